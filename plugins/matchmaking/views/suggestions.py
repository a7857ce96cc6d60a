"""\"Suggested for you\": the recommendation engine's results on the pages, with their reasons.

The engine (:mod:`plugins.matchmaking.recommend`) scores pairs; this module
decides who sees suggestions (people acting for the item's organisation, and
organisers, unless they switched suggestions off), leaves out partners there
is nothing left to suggest about (the item's own organisation, organisations
already connected with it, and blocked ones in either direction) and loads the
suggested items in one query.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from core.toolkit import current_user, db

from .. import recommend
from ..catalogue import load
from ..models import Block, Challenge, Initiative, Preference
from ..organisations import connected_ids, is_organiser, my_org_ids

LIMIT = 5


@dataclass
class Suggested:
    item: Any
    score: float
    reasons: tuple


def wants_suggestions(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    choice = db.session.scalar(select(Preference.recommendations).where(Preference.user_id == user.id))
    return choice is None or bool(choice)


def settled_partners(org_id: int) -> set[int]:
    """Organisations never suggested to ``org_id``: itself, its connections, and blocks either way."""
    blocks = db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(or_(Block.blocker_id == org_id, Block.blocked_id == org_id))
    )
    return {org_id, *connected_ids([org_id]), *(b if a == org_id else a for a, b in blocks)}


def excluded_items(item, other_model) -> list[int]:
    """Ids of the other side's items whose organisation is settled with the item's organisation."""
    orgs = settled_partners(item.organisation_id)
    return list(db.session.scalars(
        select(other_model.id).where(other_model.project_id == item.project_id, other_model.organisation_id.in_(orgs))
    ))


def suggestions_for(project, kind: str, item, limit: int = LIMIT, *, check_viewer: bool = True) -> list[Suggested] | None:
    """Suggested partners for a challenge or initiative; None when not shown to this user."""
    if check_viewer:
        if item.organisation_id not in my_org_ids(project) and not is_organiser(current_user, project):
            return None
        if not wants_suggestions(current_user):
            return None
    if kind == "challenge":
        found = recommend.recommend_for_challenge(item, limit, exclude=excluded_items(item, Initiative))
        other = "initiative"
    else:
        found = recommend.recommend_for_initiative(item, limit, exclude=excluded_items(item, Challenge))
        other = "challenge"
    items = load(other, [s.id for s in found])
    return [Suggested(items[s.id], s.score, tuple(s.reasons)) for s in found if s.id in items]
