"""The whole draft on one page: every chapter and paragraph of a document, numbered as the chapter pages number them.

For reading straight through, for searching the whole text with the browser and
for printing (a council's file): ``/p/<slug>/documents/<id>/full``, with
``?with=comments`` each paragraph followed by its discussion. Loading costs a
fixed number of queries however long the draft is: chapters, paragraphs and
the two kinds of comment counts are one query each::

    text = whole_text(document)
    for chapter in text.chapters:
        chapter.number, chapter.title, [(p.number, p.paragraph.html) for p in chapter.paragraphs]
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.toolkit import db

from plugins.comments import api as comments

from .items import CHAPTER, PARAGRAPH
from .models import Chapter, Document, Paragraph
from .services import chapters_of

#: The only value of ``?with=`` the page knows; anything else shows the text alone.
WITH_COMMENTS = "comments"


@dataclass
class NumberedParagraph:
    paragraph: Paragraph
    number: str  # "2.3": chapter 2, third paragraph, as on the chapter page
    comments: int = 0


@dataclass
class NumberedChapter:
    chapter: Chapter
    number: int
    paragraphs: list[NumberedParagraph] = field(default_factory=list)
    #: Comments on the chapter as a whole (not on its paragraphs).
    own_comments: int = 0

    @property
    def total(self) -> int:
        """Comments on the chapter and its paragraphs, as the contents of the chapter pages count them."""
        return self.own_comments + sum(item.comments for item in self.paragraphs)


@dataclass
class WholeText:
    document: Document
    chapters: list[NumberedChapter]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [item.paragraph for chapter in self.chapters for item in chapter.paragraphs]


def whole_text(document: Document) -> WholeText:
    """The document's chapters and paragraphs in reading order, numbered, with comment counts: four queries."""
    chapters = chapters_of(document)
    numbered = {chapter.id: NumberedChapter(chapter, number) for number, chapter in enumerate(chapters, start=1)}
    rows = db.session.scalars(
        db.select(Paragraph)
        .join(Chapter, Chapter.id == Paragraph.chapter_id)
        .where(Chapter.document_id == document.id)
        .order_by(Chapter.position, Chapter.id, Paragraph.position, Paragraph.id)
    ).all()
    for paragraph in rows:
        chapter = numbered[paragraph.chapter_id]
        chapter.paragraphs.append(NumberedParagraph(paragraph, f"{chapter.number}.{len(chapter.paragraphs) + 1}"))
    counts = comments.comment_counts(PARAGRAPH, [paragraph.id for paragraph in rows])
    own = comments.comment_counts(CHAPTER, list(numbered))
    for chapter in numbered.values():
        chapter.own_comments = own.get(chapter.chapter.id, 0)
        for item in chapter.paragraphs:
            item.comments = counts.get(item.paragraph.id, 0)
    return WholeText(document, list(numbered.values()))
