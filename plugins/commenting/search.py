"""The draft's chapters and paragraphs in the site search.

A paragraph belongs to its chapter (``within``); results name it by its
number and its chapter ("2.3 · Maßnahmen"), as the draft shows them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.toolkit import SearchDocument, SearchSource

from . import services
from .models import CHAPTER, PARAGRAPH, Chapter, Paragraph


def paragraph_document(paragraph: Paragraph) -> SearchDocument:
    return SearchDocument(paragraph.project_id, html=paragraph.html, within=(CHAPTER, paragraph.chapter_id))


def chapter_document(chapter: Chapter) -> SearchDocument:
    return SearchDocument(chapter.project_id, chapter.title)


def paragraph_title(paragraph: Paragraph) -> str:
    return f"{services.paragraph_title(paragraph)} · {paragraph.chapter.title}"


SOURCES = [
    SearchSource(PARAGRAPH, _l("Paragraph"), Paragraph, document=paragraph_document, load=services.load_paragraphs,
                 url=services.paragraph_url, title=paragraph_title, plural=_l("Paragraphs")),
    SearchSource(CHAPTER, _l("Chapter"), Chapter, document=chapter_document, load=services.load_chapters,
                 url=services.chapter_url, title=services.chapter_title, plural=_l("Chapters")),
]
