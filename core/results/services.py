"""Writing a phase's results: the one place that sanitizes and stores them (the editing view and demo content use it)."""
from __future__ import annotations

from datetime import datetime

from ..clock import now
from ..extensions import db
from ..models import Phase
from ..sanitize import clean_html
from .models import PhaseResult


def save_results(phase: Phase, text: str, next_steps: str = "", link_url: str = "", link_label: str = "",
                 *, result: PhaseResult | None = None, publish: bool = False,
                 published_at: datetime | None = None) -> PhaseResult:
    """Store the results of ``phase`` (HTML sanitized here); with ``publish``, publish them now. Does not commit.

    ``link_url`` must already be checked (``forms.is_web_address``): this stores what it is given.
    """
    if result is None:
        result = db.session.scalar(db.select(PhaseResult).where(PhaseResult.phase_id == phase.id))
    if result is None:
        result = PhaseResult(phase_id=phase.id, project_id=phase.project_id)
        db.session.add(result)
    result.text_html = str(clean_html(text))
    result.next_steps_html = str(clean_html(next_steps))
    result.link_url = link_url or ""
    result.link_label = link_label or ""
    if publish:
        result.published_at = published_at or now()
    return result
