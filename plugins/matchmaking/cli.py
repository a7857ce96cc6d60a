"""``mitsprache matchmaking …``: import a catalogue, rebuild the search index.

::

    mitsprache matchmaking import SLUG initiativen.xlsx --kind initiatives
    mitsprache matchmaking reindex [SLUG]

(``mitsprache matchmaking recommend`` joins this group from the recommendation
engine's module when it is installed.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.toolkit import Project, db

from . import search
from .importer import MAX_BYTES, ImportFailed, import_file


@click.group("matchmaking")
def group():
    """Matchmaking: catalogues of challenges and initiatives."""


def _project(slug: str) -> Project:
    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project with the short name '{slug}'.")
    return project


@group.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["challenges", "initiatives"]), required=True)
@with_appcontext
def import_command(slug, path, kind):
    """Import challenges or initiatives from a CSV or XLSX file (all rows or none)."""
    project = _project(slug)
    if not path.is_file():
        raise click.ClickException(f"{path} does not exist.")
    if path.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; nothing was imported.")
    with path.open("rb") as stream:
        try:
            report = import_file(project, kind, stream, path.name)
        except ImportFailed as failure:
            for problem in failure.problems:
                click.echo(problem, err=True)
            click.echo("Nothing was imported.", err=True)
            sys.exit(1)
    click.echo(f"{report.created} new, {report.updated} updated, {report.organisations} organisations added"
               + (f", new fields of action: {', '.join(report.new_fields)}" if report.new_fields else "") + ".")


@group.command("reindex")
@click.argument("slug", required=False)
@with_appcontext
def reindex_command(slug):
    """Rebuild the full-text index (of one project, or of all)."""
    count = search.reindex(_project(slug).id if slug else None)
    db.session.commit()
    click.echo(f"{count} items indexed.")


from .cli_recommend import recommend_command  # noqa: E402  (its own module: the engine stays free of click)

group.add_command(recommend_command, "recommend")
