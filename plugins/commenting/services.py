"""Domain operations on documents shared by views, CLI, exports and the demo."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, url_for
from flask_babel import ngettext
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from core.toolkit import clean_html, db, Project

from plugins.comments import api as comments

from .importer import MarkdownImportError, ParsedDocument, parse
from .models import CHAPTER, PARAGRAPH, Chapter, Document, Paragraph


def documents_of(project: Project) -> list[Document]:
    return db.session.scalars(
        db.select(Document).where(Document.project_id == project.id).order_by(Document.position, Document.id)
    ).all()


def chapters_of(document: Document) -> list[Chapter]:
    return db.session.scalars(
        db.select(Chapter).where(Chapter.document_id == document.id).order_by(Chapter.position, Chapter.id)
    ).all()


def part_of(chapters: list[Chapter], chapter: Chapter) -> str:
    """The part heading over ``chapter``: its own, or that of the nearest chapter before it with one."""
    for earlier in reversed(chapters[: chapters.index(chapter) + 1]):
        if earlier.part:
            return earlier.part
    return ""


def paragraphs_of(chapter: Chapter) -> list[Paragraph]:
    return db.session.scalars(
        db.select(Paragraph).where(Paragraph.chapter_id == chapter.id).order_by(Paragraph.position, Paragraph.id)
    ).all()


def paragraph_ids_by_chapter(chapter_ids) -> dict[int, list[int]]:
    """Paragraph ids per chapter, in order, in one query."""
    result: dict[int, list[int]] = {cid: [] for cid in chapter_ids}
    if not result:
        return result
    rows = db.session.execute(
        db.select(Paragraph.chapter_id, Paragraph.id)
        .where(Paragraph.chapter_id.in_(list(result)))
        .order_by(Paragraph.chapter_id, Paragraph.position, Paragraph.id)
    )
    for chapter_id, paragraph_id in rows:
        result[chapter_id].append(paragraph_id)
    return result


# --- commentables -------------------------------------------------------------


# Built once, with the ids bound per call: building and keying a statement with these joined loads
# cost more than running it, on every discussion a reader opens.
_PARAGRAPHS = (
    db.select(Paragraph).where(Paragraph.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Paragraph.project).joinedload(Project.phases),
             joinedload(Paragraph.chapter).joinedload(Chapter.document))
)
_CHAPTERS = (
    db.select(Chapter).where(Chapter.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Chapter.project).joinedload(Project.phases), joinedload(Chapter.document))
)


def load_paragraphs(ids: list[int]) -> dict[int, Paragraph]:
    """Paragraphs with their project (and its phases: every discussion asks which one is open), chapter, document."""
    rows = db.session.scalars(_PARAGRAPHS, {"ids": list(ids)}).unique()
    return {p.id: p for p in rows}


def load_chapters(ids: list[int]) -> dict[int, Chapter]:
    """Chapters with their project (and its phases), document."""
    rows = db.session.scalars(_CHAPTERS, {"ids": list(ids)}).unique()
    return {c.id: c for c in rows}


def paragraph_url(paragraph: Paragraph) -> str:
    return url_for("commenting.chapter", slug=paragraph.project.slug, chapter_id=paragraph.chapter_id) + f"#p-{paragraph.id}"


def chapter_url(chapter: Chapter) -> str:
    return url_for("commenting.chapter", slug=chapter.project.slug, chapter_id=chapter.id) + "#chapter-discussion"


# --- numbering ----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a paragraph or chapter sits, for exports and statistics."""

    document: str
    chapter: str
    number: str  # "2.3" for a paragraph, "2" for a chapter
    excerpt: str
    chapter_id: int
    document_id: int


def places(project: Project) -> tuple[dict[int, Place], dict[int, Place]]:
    """(paragraph places, chapter places) of a whole project in three queries."""
    from core.toolkit import excerpt

    docs = {d.id: d for d in documents_of(project)}
    chapters = db.session.scalars(
        db.select(Chapter).where(Chapter.project_id == project.id).order_by(Chapter.document_id, Chapter.position, Chapter.id)
    ).all()
    chapter_places: dict[int, Place] = {}
    numbers: dict[int, int] = {}
    for chapter in chapters:
        numbers[chapter.document_id] = numbers.get(chapter.document_id, 0) + 1
        doc = docs.get(chapter.document_id)
        chapter_places[chapter.id] = Place(
            doc.title if doc else "", chapter.title, str(numbers[chapter.document_id]), "", chapter.id, chapter.document_id
        )
    paragraph_places: dict[int, Place] = {}
    counters: dict[int, int] = {}
    rows = db.session.execute(
        db.select(Paragraph.id, Paragraph.chapter_id, Paragraph.html)
        .where(Paragraph.project_id == project.id)
        .order_by(Paragraph.chapter_id, Paragraph.position, Paragraph.id)
    )
    for paragraph_id, chapter_id, html in rows:
        counters[chapter_id] = counters.get(chapter_id, 0) + 1
        chapter = chapter_places.get(chapter_id)
        if chapter is None:
            continue
        paragraph_places[paragraph_id] = Place(
            chapter.document, chapter.chapter, f"{chapter.number}.{counters[chapter_id]}", excerpt(html, 120),
            chapter_id, chapter.document_id,
        )
    return paragraph_places, chapter_places


def _places_of_request(project: Project) -> tuple[dict[int, Place], dict[int, Place]]:
    """:func:`places` of ``project``, computed once per request: a list such as the moderation queue
    names many paragraphs, and their numbers come from the whole document."""
    cache = g.setdefault("commenting_places", {})
    if project.id not in cache:
        cache[project.id] = places(project)
    return cache[project.id]


def paragraph_title(paragraph: Paragraph) -> str:
    """The paragraph's number ("2.3"), as the comments plugin shows it after "Paragraph:"."""
    place = _places_of_request(paragraph.project)[0].get(paragraph.id)
    return place.number if place else ""


def chapter_title(chapter: Chapter) -> str:
    """The chapter's number and title ("2. Maßnahmen")."""
    place = _places_of_request(chapter.project)[1].get(chapter.id)
    return f"{place.number}. {chapter.title}" if place else chapter.title


# --- changes ------------------------------------------------------------------


def comment_count_of_document(document: Document) -> int:
    chapter_ids = [c.id for c in chapters_of(document)]
    by_chapter = paragraph_ids_by_chapter(chapter_ids)
    return _count_all(chapter_ids, [p for ids in by_chapter.values() for p in ids])


def comment_count_of_chapter(chapter: Chapter) -> int:
    return _count_all([chapter.id], paragraph_ids_by_chapter([chapter.id])[chapter.id])


def comment_count_of_paragraph(paragraph: Paragraph) -> int:
    return _count_all([], [paragraph.id])


def create_document(project: Project, title: str, preamble_html: str = "") -> Document:
    position = max((d.position for d in documents_of(project)), default=-1) + 1
    document = Document(project_id=project.id, title=title, preamble_html=clean_html(preamble_html), position=position)
    db.session.add(document)
    db.session.flush()
    return document


def add_chapter(document: Document, title: str, part: str = "") -> Chapter:
    position = max((c.position for c in chapters_of(document)), default=-1) + 1
    chapter = Chapter(document=document, project_id=document.project_id, title=title, part=part, position=position)
    db.session.add(chapter)
    db.session.flush()
    return chapter


def add_paragraph(chapter: Chapter, html: str) -> Paragraph:
    position = max((p.position for p in paragraphs_of(chapter)), default=-1) + 1
    paragraph = Paragraph(chapter=chapter, project_id=chapter.project_id, html=str(clean_html(html)), position=position)
    db.session.add(paragraph)
    db.session.flush()
    return paragraph


# Deleting text keeps its comments on purpose: they are citizens' contributions to a public
# procedure and must stay in the evaluation export (marked "deleted from the document").


def delete_paragraph(paragraph: Paragraph) -> None:
    db.session.delete(paragraph)


def delete_chapter(chapter: Chapter) -> None:
    db.session.delete(chapter)


def delete_document(document: Document) -> None:
    for chapter in chapters_of(document):
        delete_chapter(chapter)
    db.session.delete(document)


def fill(document: Document, parsed: ParsedDocument) -> Document:
    document.title = parsed.title
    document.preamble_html = str(clean_html(parsed.preamble_html))
    for number, parsed_chapter in enumerate(parsed.chapters):
        chapter = Chapter(document=document, project_id=document.project_id, title=parsed_chapter.title,
                          part=parsed_chapter.part, position=number)
        db.session.add(chapter)
        for position, html in enumerate(parsed_chapter.paragraphs):
            db.session.add(Paragraph(chapter=chapter, project_id=document.project_id, html=html, position=position))
    db.session.flush()
    return document


def import_markdown(project: Project, source: bytes | str, document: Document | None = None,
                    warnings: list[str] | None = None) -> Document:
    """Create a document from Markdown, or replace the text of ``document`` if it has no comments.

    Raises :class:`MarkdownImportError` with a message for people; nothing is
    changed then. What was imported but looks unintended (an empty chapter, a
    file with only a title) is appended to ``warnings``, localized, for the
    page or command to show.
    """
    parsed = parse(source)
    if warnings is not None:
        warnings.extend(parsed.warnings)
    if document is None:
        document = create_document(project, parsed.title)
        return fill(document, parsed)
    existing = comment_count_of_document(document)
    if existing:
        raise MarkdownImportError(
            ngettext(
                "“%(title)s” already has %(num)d comment. Importing again would delete it, so nothing was "
                "changed. Edit the text in the browser instead, or import the file as a new document.",
                "“%(title)s” already has %(num)d comments. Importing again would delete them, so nothing was "
                "changed. Edit the text in the browser instead, or import the file as a new document.",
                existing, title=document.title,
            )
        )
    for chapter in chapters_of(document):
        db.session.delete(chapter)
    db.session.flush()
    db.session.expire(document, ["chapters"])
    return fill(document, parsed)


def _count_all(chapter_ids, paragraph_ids) -> int:
    """Comments on these chapters and paragraphs together (as the comments plugin counts them)."""
    return (sum(comments.comment_counts(CHAPTER, chapter_ids).values())
            + sum(comments.comment_counts(PARAGRAPH, paragraph_ids).values()))
