"""Phase reminders for the people who follow a project: a phase has started; a phase ends in 3 days.

Run every few minutes by the worker (:func:`phase_reminders`). Each reminder
is written once per person and phase (``dedupe_key``), so running it again, or
on two workers, repeats nothing. Only recent moments count: a phase that
started more than a day ago (say, before notifications were switched on) is
not announced any more.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..clock import now
from ..extensions import db
from .kinds import PHASE_CLOSES, PHASE_OPENS

CLOSING_SOON = timedelta(days=3)
LATE_BY_AT_MOST = timedelta(days=1)


def followers(project_id: int) -> list[int]:
    """The ids of the people who follow the project (and have not unfollowed it)."""
    from .. import models

    follow = getattr(models, "Follow", None)
    if follow is None:
        return []
    query = select(follow.user_id).where(follow.project_id == project_id)
    if hasattr(follow, "unfollowed_at"):
        query = query.where(follow.unfollowed_at.is_(None))
    return list(db.session.scalars(query))


def _payload(phase) -> dict:
    from flask import url_for

    from .emails import url_context

    with url_context():
        url = url_for("projects.project", slug=phase.project.slug)
    return {"phase_title": phase.title, "project_title": phase.project.title, "end": phase.end.isoformat(), "url": url}


def phase_reminders(at: datetime | None = None) -> int:
    """Write the due "phase started" and "ends in 3 days" notifications; returns how many were written."""
    from ..models import Phase
    from .api import notify

    at = at or now()
    kinds = current_app.extensions["mitsprache"].registry.phase_kinds
    written = 0
    opened = db.session.scalars(select(Phase).where(Phase.start <= at, Phase.start > at - LATE_BY_AT_MOST,
                                                    Phase.end > at))
    closing = db.session.scalars(select(Phase).where(Phase.end > at, Phase.end <= at + CLOSING_SOON,
                                                     Phase.end > at + CLOSING_SOON - LATE_BY_AT_MOST,
                                                     Phase.start <= at))
    due = [(PHASE_OPENS, p) for p in opened] + [(PHASE_CLOSES, p) for p in closing]
    for kind, phase in due:
        if phase.kind not in kinds:
            continue  # its plugin is disabled: nobody can take part
        people = followers(phase.project_id)
        if not people:
            continue
        key = f"{kind}:{phase.id}"
        try:
            written += len(notify(kind, people, project=phase.project, item=phase, item_type="phase",
                                  dedupe_key=key, **_payload(phase)))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # written by another worker meanwhile
    return written
