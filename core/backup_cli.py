"""``mitsprache backup FILE`` and ``mitsprache restore FILE [--yes]`` (the work is in :mod:`core.backup`)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .backup import BackupError, backup, check_file, has_tables, restore


def _where(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent copy of the database to FILE, also while the site runs."""
    app = current_app._get_current_object()
    try:
        backup(app, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {_where(app)} to {file} ({file.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Overwrite the site's current database.")
@with_appcontext
def restore_command(file: Path, yes: bool) -> None:
    """Replace the database with the backup FILE, then apply pending migrations."""
    app = current_app._get_current_object()
    try:
        check_file(app, file)
        if has_tables(app) and not yes:
            raise BackupError(f"the database {_where(app)} holds data that the restore would overwrite: "
                              "run again with --yes (stop the site and the worker first).")
        steps = restore(app, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {_where(app)} from {file}.")
    for step in steps:
        click.echo(step[:1].upper() + step[1:] + ".")


COMMANDS = (backup_command, restore_command)
