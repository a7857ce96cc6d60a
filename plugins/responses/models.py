"""The one table of the responses plugin: an official response, at most one per item.

An item is named the way the core's item types name it (``item_type`` and
``item_id``), so this plugin stores responses to paragraphs, comments and ideas
without knowing their tables. Editing a response replaces its text and keeps
``created_at``; ``updated_at`` says when it last changed.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Project, User, UTCDateTime, db, item_scope, now

TEXT_MAX = 10000


class Response(db.Model):
    __tablename__ = "responses_response"
    # One response per item: two editors saving at once update one row instead of adding two.
    __table_args__ = (UniqueConstraint("item_type", "item_id", name="uq_responses_response_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    item_type: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(Integer)
    #: Who wrote it, for the organisation's own records; readers see the organisation, not the person.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"), index=True)
    text_html: Mapped[str] = mapped_column(Text, default="")  # sanitized (core clean_html)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    author: Mapped[User | None] = relationship()

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """A response is shown with its item: it changes the item's cached pages (core/cache_scopes.py)."""
        return [item_scope(row.item_type, row.item_id, row.project_id) + "responses/"]

    @property
    def responded_at(self) -> datetime:
        """When the response got its present wording."""
        return self.updated_at or self.created_at

    def __repr__(self) -> str:
        return f"<Response {self.item_type} {self.item_id}>"
