"""Documents to comment on: a document has ordered chapters, a chapter ordered paragraphs.

Every row stores its ``project_id`` so policy (``obj.project``) and per-project
queries (exports, statistics) never need joins. Paragraph HTML is sanitized
with :func:`core.sanitize.clean_html` before it is stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import db, header_scope, now, Project, project_scope, UTCDateTime


#: The item types of a draft (see items.py), also the ``target_type`` of their comments.
PARAGRAPH = "paragraph"
CHAPTER = "chapter"


class Document(db.Model):
    __tablename__ = "commenting_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Sanitized HTML shown above the table of contents; not commentable.
    preamble_html: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now(), onupdate=lambda: now())

    project: Mapped[Project] = relationship()
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="document", order_by="Chapter.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """Everything of a document is below its scope (core/cache_scopes.py), so its contents see every change.

        The project's header scope too: whether a project has documents decides its "Documents" tab
        (``views.tab_for``). Documents change rarely, never in a participation rush.
        """
        return [project_scope(row.project_id, f"commenting.document:{row.id}"), header_scope(row.project_id)]

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class Chapter(db.Model):
    __tablename__ = "commenting_chapter"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("commenting_document.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: A part heading shown above this chapter in the contents ("Ansatzpunkte und Maßnahmen"): the
    #: part runs until the next chapter with one. Empty for most chapters (see importer.py).
    part: Mapped[str] = mapped_column(String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    document: Mapped[Document] = relationship(back_populates="chapters")
    project: Mapped[Project] = relationship()
    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="chapter", order_by="Paragraph.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @staticmethod
    def cache_scopes(row) -> list[str]:
        return [project_scope(row.project_id, chapter_path(row.document_id, row.id))]

    def __repr__(self) -> str:
        return f"<Chapter {self.id} {self.title!r}>"


class Paragraph(db.Model):
    __tablename__ = "commenting_paragraph"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("commenting_chapter.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    #: Sanitized HTML: one paragraph or one whole list.
    html: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    chapter: Mapped[Chapter] = relationship(back_populates="paragraphs")
    project: Mapped[Project] = relationship()

    @staticmethod
    def cache_scopes(row) -> list[str]:
        chapter = db.session.get(Chapter, row.chapter_id)
        if chapter is None:  # deleted with its chapter, whose scope covers it
            return []
        return [project_scope(row.project_id, chapter_path(chapter.document_id, chapter.id), f"paragraph:{row.id}")]

    def __repr__(self) -> str:
        return f"<Paragraph {self.id}>"


def chapter_path(document_id: int, chapter_id: int) -> str:
    """Where a chapter sits below its project for cached pages: inside its document."""
    return f"commenting.document:{document_id}/chapter:{chapter_id}"


def paragraph_path(paragraph_id: int) -> str | None:
    """A paragraph's place for cached pages (``ItemType.cache_scope``); usually loaded already, so no query."""
    paragraph = db.session.get(Paragraph, paragraph_id)
    chapter = db.session.get(Chapter, paragraph.chapter_id) if paragraph is not None else None
    return f"{chapter_path(chapter.document_id, chapter.id)}/paragraph:{paragraph_id}" if chapter else None


def chapter_scope_path(chapter_id: int) -> str | None:
    """A chapter's place for cached pages (``ItemType.cache_scope``)."""
    chapter = db.session.get(Chapter, chapter_id)
    return chapter_path(chapter.document_id, chapter.id) if chapter is not None else None


MODELS = [Document, Chapter, Paragraph]
