"""Rating: a phase's settings, the vote counts, and casting a vote under the phase's limit.

Which rating phase counts: ``phase_context(project, VOTE_ACTION)`` (:mod:`plugins.voting.services`).
How the counts stay exact when requests race: see the same module.
"""
from __future__ import annotations

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from core.toolkit import conflict_insert, db, follow, now, Phase

from .. import notifications
from ..models import Ballot, Vote
from ..targets import votables
from . import RETRIES, setting


def mode_of(phase: Phase | None) -> str:
    """``"support"`` (one click per item, the default) or ``"updown"``."""
    mode = setting(phase, "mode", "support") if phase is not None else "support"
    return mode if mode in ("support", "updown") else "support"


def limit_of(phase: Phase | None) -> int:
    """The phase's "at most N votes per person" (0: no limit); counts every vote, up or down."""
    if phase is None:
        return 0
    try:
        return max(int(setting(phase, "max_votes", 0) or 0), 0)
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------------------
# Counting votes
# ---------------------------------------------------------------------------

UP = func.sum(case((Vote.value == 1, 1), else_=0))
DOWN = func.sum(case((Vote.value == -1, 1), else_=0))


def count_votes(item_type: str, item_ids: list[int], phase_id: int | None = None) -> dict[int, dict]:
    if not item_ids:
        return {}
    query = select(Vote.item_id, UP, DOWN).where(Vote.item_type == item_type, Vote.item_id.in_(item_ids))
    if phase_id is not None:
        query = query.where(Vote.phase_id == phase_id)
    rows = db.session.execute(query.group_by(Vote.item_id))
    return {item_id: {"up": int(up), "down": int(down), "score": int(up) - int(down)} for item_id, up, down in rows}


def counts_and_own_votes(item_type: str, item_ids: list[int], phase_id: int, user_id: int | None):
    """``({id: counts}, {id: own value})`` in one query."""
    own = func.max(case((Vote.user_id == user_id, Vote.value), else_=None)) if user_id else func.max(None)
    rows = db.session.execute(
        select(Vote.item_id, UP, DOWN, own)
        .where(Vote.phase_id == phase_id, Vote.item_type == item_type, Vote.item_id.in_(item_ids))
        .group_by(Vote.item_id)
    )
    counts, mine = {}, {}
    for item_id, up, down, value in rows:
        counts[item_id] = {"up": int(up), "down": int(down), "score": int(up) - int(down)}
        if value:
            mine[item_id] = int(value)
    return counts, mine


def votes_used(phase_id: int, user_id: int) -> int:
    """How many of the user's votes in the phase count against the limit.

    Votes on items that no longer exist (deleted or hidden, so ``Votable.load``
    no longer returns them) are not counted, so nobody is stuck with a vote they
    cannot withdraw.
    """
    rows = db.session.execute(
        select(Vote.item_type, Vote.item_id).where(Vote.phase_id == phase_id, Vote.user_id == user_id)
    ).all()
    by_type: dict[str, list[int]] = {}
    for item_type, item_id in rows:
        by_type.setdefault(item_type, []).append(item_id)
    known = votables()
    return sum(len(known[t].load(ids)) for t, ids in by_type.items() if t in known)


def sort_expression(item_type: str, phase_id: int):
    """``expression(id_column)``: a correlated subquery giving each item's score (supports) in the phase."""

    def expression(id_column):
        return (
            select(func.coalesce(func.sum(Vote.value), 0))
            .where(Vote.phase_id == phase_id, Vote.item_type == item_type, Vote.item_id == id_column)
            .correlate_except(Vote)
            .scalar_subquery()
        )

    return expression


# ---------------------------------------------------------------------------
# Casting votes
# ---------------------------------------------------------------------------


class VoteLimitReached(Exception):
    def __init__(self, used: int, limit: int):
        super().__init__(f"{used} of {limit} votes used")
        self.used = used
        self.limit = limit


def lock_ballot(phase_id: int, user_id: int) -> None:
    """Create (if needed) and lock the user's ballot row for this phase until commit (see :mod:`plugins.voting.services`)."""
    db.session.execute(
        conflict_insert(Ballot).values(phase_id=phase_id, user_id=user_id, changes=0).on_conflict_do_nothing(
            index_elements=["phase_id", "user_id"]
        )
    )
    db.session.execute(
        update(Ballot)
        .where(Ballot.phase_id == phase_id, Ballot.user_id == user_id)
        .values(changes=Ballot.changes + 1)
        .execution_options(synchronize_session=False)
    )


def _set_vote_once(phase_id: int, item_type: str, item_id: int, user_id: int, value: int, limit: int) -> None:
    lock_ballot(phase_id, user_id)
    where = (Vote.phase_id == phase_id, Vote.item_type == item_type, Vote.item_id == item_id, Vote.user_id == user_id)
    existing = db.session.execute(select(Vote.id, Vote.value).where(*where)).first()
    if value == 0:
        if existing:
            db.session.execute(delete(Vote).where(Vote.id == existing.id).execution_options(synchronize_session=False))
        return
    if existing:
        if existing.value != value:
            db.session.execute(
                update(Vote).where(Vote.id == existing.id).values(value=value).execution_options(synchronize_session=False)
            )
        return
    if limit:
        used = votes_used(phase_id, user_id)
        if used >= limit:
            raise VoteLimitReached(used, limit)
    db.session.execute(
        conflict_insert(Vote).values(
            phase_id=phase_id, item_type=item_type, item_id=item_id, user_id=user_id, value=value, created_at=now()
        )
    )
    notifications.vote_added(phase_id, item_type, item_id, user_id, value)


def set_vote(phase: Phase, item_type: str, item_id: int, user_id: int, value: int) -> None:
    """Make the user's vote on the item in ``phase`` be ``value`` (1, -1, or 0 for none) and commit.

    Idempotent: repeating a request changes nothing. Raises :class:`VoteLimitReached`
    (after rolling back) when a new vote would exceed the phase's limit.
    """
    phase_id, limit = phase.id, limit_of(phase)
    for attempt in range(RETRIES):
        try:
            _set_vote_once(phase_id, item_type, item_id, user_id, value, limit)
            follow(user_id, phase.project_id)  # after the ballot row: its INSERT must come first (see above)
            db.session.commit()
            return
        except VoteLimitReached:
            db.session.rollback()
            raise
        except IntegrityError:
            # A concurrent request stored the same vote first; the retry sees it.
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise
