"""Documents to comment on: a document has ordered chapters, a chapter ordered paragraphs.

Every row stores its ``project_id`` so policy (``obj.project``) and per-project
queries (exports, statistics) never need joins. Paragraph HTML is sanitized
with :func:`core.sanitize.clean_html` before it is stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import db, now, Project, UTCDateTime


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

    def __repr__(self) -> str:
        return f"<Paragraph {self.id}>"


MODELS = [Document, Chapter, Paragraph]
