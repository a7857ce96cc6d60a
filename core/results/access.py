"""Who sees a phase's results, and where "See the results" leads.

Results are public once the initiator published them *and* the phase has ended
(moving a phase's end into the future hides them again until it has passed).
Before that, the project's staff (initiators, moderators, site admins) see a
preview; for everyone else the page does not exist (404), so a draft never
leaks, not even its existence.
"""
from __future__ import annotations

from typing import Any

from flask import g
from flask_login import current_user

from ..clock import now
from ..extensions import db
from ..models import Phase, PhaseState, Project
from ..policy import can
from .models import PhaseResult


def results_by_phase(project: Project) -> dict[int, PhaseResult]:
    """The project's saved results, by phase id, in one query; cached for the request."""
    cache = g.setdefault("_mitsprache_results", {})
    if project.id not in cache:
        rows = db.session.scalars(db.select(PhaseResult).where(PhaseResult.project_id == project.id))
        cache[project.id] = {row.phase_id: row for row in rows}
    return cache[project.id]


def forget_results(project: Project) -> None:
    """Drop the request's cached results after a write, so the next read sees it."""
    g.setdefault("_mitsprache_results", {}).pop(project.id, None)


def is_public(phase: Phase, result: PhaseResult | None) -> bool:
    """Published and the phase over: what everyone may read."""
    return result is not None and result.is_published and phase.state(now()) is PhaseState.ENDED


def is_staff(project: Project, user: Any = None) -> bool:
    """Initiators, moderators and site admins: they see results before they are published."""
    return bool(can(user if user is not None else current_user, "project.moderate", project))


def public_result(phase: Phase) -> PhaseResult | None:
    """The phase's results if everyone may read them (for the "See the results" button), else None."""
    result = results_by_phase(phase.project).get(phase.id)
    return result if is_public(phase, result) else None
