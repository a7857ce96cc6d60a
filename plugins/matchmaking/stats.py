"""Figures for the organisers: counts and the funnel interest → mutual → pilot agreed → adopted."""
from __future__ import annotations

from sqlalchemy import func, select

from core.toolkit import _l, db

from .models import PUBLIC_BODY, Challenge, Connection, Initiative, Interest, Organisation


def overview_counts(project) -> dict[str, int]:
    """A handful of counts, one query each."""
    def count(query):
        return db.session.scalar(query) or 0

    orgs = select(func.count(Organisation.id)).where(Organisation.project_id == project.id)
    return {
        "bodies": count(orgs.where(Organisation.kind == PUBLIC_BODY)),
        "initiative_orgs": count(orgs.where(Organisation.kind != PUBLIC_BODY)),
        "unverified": count(orgs.where(Organisation.verified_at.is_(None))),
        "challenges": count(select(func.count(Challenge.id)).where(Challenge.project_id == project.id)),
        "initiatives": count(select(func.count(Initiative.id)).where(Initiative.project_id == project.id)),
        "interests": count(select(func.count(Interest.id)).where(Interest.project_id == project.id,
                                                                  Interest.state != "withdrawn")),
        "connections": count(select(func.count(Connection.id)).where(Connection.project_id == project.id)),
    }


def funnel(project) -> list[dict]:
    """Pairs at each step: with any interest, mutual, pilot agreed (or further), adopted; with percentages."""
    pairs = set()
    for sender, receiver in db.session.execute(
        select(Interest.sender_id, Interest.receiver_id).where(Interest.project_id == project.id, Interest.state != "withdrawn")
    ):
        pairs.add(frozenset((sender, receiver)))
    outcomes = dict(db.session.execute(
        select(Connection.outcome, func.count(Connection.id)).where(Connection.project_id == project.id)
        .group_by(Connection.outcome)
    ).all())
    mutual = sum(outcomes.values())
    for low, high in db.session.execute(
        select(Connection.org_low_id, Connection.org_high_id).where(Connection.project_id == project.id)
    ):
        pairs.add(frozenset((low, high)))  # introductions count as interest too
    adopted = outcomes.get("adopted", 0)
    piloting = outcomes.get("pilot_agreed", 0) + adopted
    steps = [(_l("Interest"), len(pairs)), (_l("Mutual"), mutual), (_l("Pilot agreed"), piloting), (_l("Adopted"), adopted)]
    top = max(steps[0][1], 1)
    return [{"label": label, "count": n, "percent": round(100 * n / top)} for label, n in steps]


__all__ = ["overview_counts", "funnel"]
