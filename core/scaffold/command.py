"""``mitsprache plugin new``: the command that writes a new plugin package."""
from __future__ import annotations

from pathlib import Path

import click

from .files import write_package
from .names import plugin_names
from .revision import write_first_revision


@click.group("plugin")
def plugin_group() -> None:
    """Write new plugins."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--phase-kind", "kind", metavar="KIND", help="The kind of phase it offers, e.g. questions (default: NAME).")
@click.option("-o", "--output", "output", metavar="DIR", type=click.Path(path_type=Path),
              help="The folder to write, new or empty (default: ./mitsprache-NAME).")
def plugin_new(name: str, kind: str | None, output: Path | None) -> None:
    """Write an installable plugin package: hooks, model, first migration, page, German catalog, tests.

    Its tests pass as written: pip install -e DIR, then run pytest in DIR.
    """
    from ..plugins import available_plugins

    try:
        names = plugin_names(name, kind, installed=available_plugins())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    target = output or Path(names.distribution)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise click.ClickException(f"{target} exists already; choose a new or empty folder with -o DIR.")
    write_package(names, target)
    try:
        revision = write_first_revision(names, target)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Wrote {target}: plugin '{names.name}' with the phase kind '{names.kind}', the table {names.table}\n"
        f"and its first migration, {revision.name}. Next:\n"
        f"  pip install -e '{target}[test]' && (cd {target} && pytest)   # its tests pass as written\n"
        f"  add \"{names.name}\" to plugins in instance/config.toml, then: mitsprache db upgrade"
    )
