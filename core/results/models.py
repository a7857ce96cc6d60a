"""The results of a phase, written by the initiator: one row per phase, created when first saved.

A separate small table instead of columns on ``core_phase``: the project page
and every policy check load phases, and none of them needs these texts. The
texts are stored sanitized (``core.sanitize.clean_html``), the link only when it
is an http(s) address (checked by the form). ``published_at`` is ``None`` while
the results are a draft; publishing sets it to the moment it happened,
unpublishing clears it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from ..models import Phase
from ..types import UTCDateTime

LINK_MAX = 500


class PhaseResult(db.Model):
    __tablename__ = "core_phase_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The phase's project, stored too: a project's results load in one query, and a write to a row
    #: with a ``project_id`` outdates the project's cached pages (the "See the results" button).
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("core_phase.id", ondelete="CASCADE"), unique=True)
    text_html: Mapped[str] = mapped_column(Text, default="")
    next_steps_html: Mapped[str] = mapped_column(Text, default="")
    link_url: Mapped[str] = mapped_column(String(LINK_MAX), default="")
    link_label: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now(), onupdate=lambda: now())

    phase: Mapped[Phase] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


RESULT_MODELS = [PhaseResult]
