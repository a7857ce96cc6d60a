"""Tables of the ideas plugin: ideas and the per-project categories they are filed under."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import _l, db, item_scope, now, Project, text_to_html, User, UTCDateTime

TITLE_MAX = 160
DESCRIPTION_MAX = 5000
LOCATION_MAX = 200
CATEGORY_MAX = 80
REASON_MAX = 500

#: What became of an idea after the consultation, set with the organisation's official response
#: (the response is the reason). Stored as the value; shown as the label.
REVIEW_STATUSES = (
    ("under_review", _l("Under review")),
    ("accepted", _l("Accepted")),
    ("partly_accepted", _l("Partly accepted")),
    ("rejected", _l("Rejected")),
    ("implemented", _l("Implemented")),
)


def search_key(text: str) -> str:
    """Text folded for case-insensitive search that behaves the same on SQLite and PostgreSQL.

    SQLite's LOWER() and LIKE only fold ASCII, so "Äpfel" would never match "äpfel".
    We store a Python-casefolded copy and casefold the query the same way.
    """
    return " ".join((text or "").casefold().split())


class Category(db.Model):
    __tablename__ = "ideas_category"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_ideas_category_project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(CATEGORY_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)

    project: Mapped[Project] = relationship()

    def __repr__(self) -> str:
        return f"<Category {self.name!r}>"


class Idea(db.Model):
    __tablename__ = "ideas_idea"
    __table_args__ = (
        # A double click sends the same one-time token twice: the second insert fails here.
        UniqueConstraint("author_id", "token", name="uq_ideas_idea_author_token"),
        Index("ix_ideas_idea_project_created", "project_id", "created_at"),
        Index("ix_ideas_idea_project_review_status", "project_id", "review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas_category.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description_text: Mapped[str] = mapped_column(Text, default="")  # as typed
    description_html: Mapped[str] = mapped_column(Text, default="")  # sanitized, from the text
    location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    restored_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    #: One of :data:`REVIEW_STATUSES`, or None while the organisation has not decided.
    review_status: Mapped[str | None] = mapped_column(String(20))

    project: Mapped[Project] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    category: Mapped[Category | None] = relationship()
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """An idea's own scope holds its discussion too (core/cache_scopes.py): hiding it hides that."""
        return [item_scope("idea", row.id, row.project_id)]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def status(self) -> str:
        """Moderation state (published or hidden); what the organisation decided is :attr:`review_status`."""
        return "hidden" if self.is_hidden else "published"

    @property
    def review_status_label(self) -> str:
        return str(dict(REVIEW_STATUSES).get(self.review_status, "")) if self.review_status else ""

    def set_review_status(self, value: str | None) -> None:
        """Set by the official responses (through the item type); unknown values are refused, not stored."""
        if value is not None and value not in dict(REVIEW_STATUSES):
            raise ValueError(f"unknown idea status {value!r}")
        self.review_status = value

    def set_content(self, title: str, description: str, location: str = "") -> None:
        """Title, description (plain text, stored sanitized as HTML too) and place, with the search copy."""
        self.title = title.strip()
        self.description_text = (description or "").strip()
        self.description_html = text_to_html(self.description_text)
        self.location = (location or "").strip()
        self.search_text = search_key(f"{self.title}\n{self.description_text}\n{self.location}")

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.title!r}>"
