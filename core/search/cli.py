"""``mitsprache search reindex``: rebuild the search index from the rows themselves.

The index follows every write through the session by itself; rebuild it after
restoring a backup, after enabling a plugin on a site that already has its
content, or after rows were deleted by the database alone.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .sync import reindex


@click.group("search")
def search_group() -> None:
    """The site search's index."""


@search_group.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Index every searchable row again (and forget what no longer exists)."""
    counts = reindex(db.session, current_app.extensions["mitsprache"].registry.search_sources.values())
    db.session.commit()
    for item_type, count in counts.items():
        click.echo(f"{item_type}: {count}")


COMMANDS = [search_group]
