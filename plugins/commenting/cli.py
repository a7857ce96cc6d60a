"""``mitsprache commenting import SLUG FILE.md`` and ``mitsprache commenting export SLUG``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.toolkit import _, db, export_options, Project, write_export

from .exports import KEY
from .importer import MarkdownImportError
from .models import Document


@click.group("commenting")
def commenting_group() -> None:
    """Documents for paragraph-by-paragraph commenting."""


@commenting_group.command("import")
@click.argument("slug")
@click.argument("file", type=click.File("rb"))
@click.option("--document", "document_id", type=int, help="Replace the text of this document (refused if it has comments).")
@with_appcontext
def import_command(slug: str, file, document_id: int | None) -> None:
    """Import a Markdown FILE as a new document of project SLUG."""
    # Messages are translated; the core picks the language from a request, so give it a blank one.
    with current_app.test_request_context("/"):
        _import(slug, file, document_id)


def _import(slug: str, file, document_id: int | None) -> None:
    from .services import import_markdown

    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project '{slug}'.")
    document = None
    if document_id is not None:
        document = db.session.get(Document, document_id)
        if document is None or document.project_id != project.id:
            raise click.ClickException(f"Project '{slug}' has no document {document_id}.")
    warnings: list[str] = []
    try:
        result = import_markdown(project, file.read(), document, warnings)
    except MarkdownImportError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    paragraphs = sum(len(c.paragraphs) for c in result.chapters)
    click.echo(f"Imported “{result.title}” (document {result.id}): {len(result.chapters)} chapters, {paragraphs} paragraphs.")
    for warning in warnings:
        click.echo(f"{_('Warning')}: {warning}", err=True)


@commenting_group.command("export")
@click.argument("slug")
@export_options
@with_appcontext
def export_command(slug: str, fmt: str, output: str | None, lang: str | None, dialect: str | None) -> None:
    """Export every comment of project SLUG (the "All comments" table)."""
    write_export(slug, KEY, fmt, output, lang=lang, dialect=dialect)
