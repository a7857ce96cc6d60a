"""Exports on the command line: ``mitsprache export SLUG KEY`` and plugins' shortcuts share these.

``export_options`` adds ``--format``, ``--output``, ``--lang`` and ``--dialect``
to a click command; ``write_export`` writes the file. Bad values end in one
line for the operator ("Error: Unknown language 'fr' …"), never a traceback.
"""
from __future__ import annotations

import sys
from typing import Callable

import click
from flask import current_app
from flask_babel import force_locale

from . import exports


def export_options(command: Callable) -> Callable:
    """``--format csv|xlsx``, ``--output FILE``, ``--lang de|en``, ``--dialect comma|semicolon``."""
    options = [
        click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True),
        click.option("--output", "-o", type=click.Path(dir_okay=False),
                     help="File to write (default: standard output for CSV)."),
        click.option("--lang", help="Language of headers and words: de or en (default: the deployment's language)."),
        click.option("--dialect", help="CSV separator: comma or semicolon (default: semicolon for de, comma for en)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _checked(lang: str | None, dialect: str | None) -> tuple[str, str]:
    lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    if lang not in exports.LANGUAGES:
        raise click.ClickException(f"Unknown language '{lang}': choose {' or '.join(exports.LANGUAGES)}.")
    dialect = dialect or exports.default_dialect(lang)
    if dialect not in exports.DIALECTS:
        raise click.ClickException(f"Unknown CSV dialect '{dialect}': choose {' or '.join(exports.DIALECTS)}.")
    return lang, dialect


def write_export(slug: str, key: str, fmt: str, output: str | None, *, lang: str | None = None,
                 dialect: str | None = None) -> None:
    """Write exporter ``key`` of project ``slug`` as CSV (to ``output`` or standard output) or XLSX.

    Shared by ``mitsprache export`` and plugin shortcuts such as ``commenting
    export``; problems are ``click.ClickException``s, one line for the operator.
    """
    from .extensions import db
    from .models import Project

    lang, dialect = _checked(lang, dialect)
    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project '{slug}'.")
    exporter = current_app.extensions["mitsprache"].registry.exporters.get(key)
    if exporter is None:
        raise click.ClickException(f"No exporter '{key}'.")
    if fmt == "xlsx" and not output:
        raise click.ClickException("XLSX needs --output FILE.")
    # Translations follow a request's language; the command line has none, so it gets a blank one.
    with current_app.test_request_context("/"), force_locale(lang):
        headers, rows = exports.table(exporter, project)
        if fmt == "xlsx":
            exports.write_xlsx(headers, rows, output, title=str(exporter.label), zone=exports.zone().key)
        else:
            stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
            try:
                for chunk in exports.iter_csv(headers, rows, dialect):
                    stream.write(chunk)
            finally:
                if output:
                    stream.close()
    if output:
        click.echo(f"Wrote {output}", err=True)
