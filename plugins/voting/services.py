"""Counting and storing votes and poll answers, exactly, on SQLite and PostgreSQL.

Why the counts are exact under concurrency
------------------------------------------
Every write that changes one user's votes in one rating phase first runs::

    INSERT INTO voting_ballot (phase_id, user_id) ... ON CONFLICT DO NOTHING;
    UPDATE voting_ballot SET changes = changes + 1 WHERE phase_id = :p AND user_id = :u;

in the same transaction as the vote itself.

* On PostgreSQL the ``UPDATE`` takes a row lock on the user's ballot that is
  held until commit. A second request of the same user (double click, second
  browser, retried request) blocks on that row until the first commits; under
  READ COMMITTED its following statements then see the first one's vote. So
  "is there a vote already?" and "how many votes are used?" are read while no
  other transaction can change the answer: the "N votes" limit is exact.
  Different users lock different rows and never wait for each other.
* On SQLite the ``INSERT`` is the transaction's first statement and takes the
  database's single write lock (pysqlite begins a transaction just before the
  first write; the reads before it run outside any transaction, and the busy
  timeout makes competing writers wait instead of failing). Everything after
  it is serialised with all other writers, which gives the same guarantee.
* Independently of the locking, the unique constraint on
  ``(phase, item_type, item_id, user)`` makes a duplicate vote impossible; an
  ``IntegrityError`` is rolled back and the request retried, and the retry finds
  the vote and does nothing (a request says which state it wants, "support" or
  "withdraw", never "toggle", so repeating it is harmless).

Poll answers work the same way with ``voting_response`` (unique per poll and
user) as the locked row: a submission replaces the whole answer set atomically.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from core.toolkit import db, follow, known_phases, now, Phase, PhaseState, Project

from . import notifications
from .models import Answer, Ballot, Option, Poll, Question, Response, Vote
from .targets import votables

VOTE_ACTION = "vote.cast"
POLL_ACTION = "poll.answer"
RETRIES = 3


# ---------------------------------------------------------------------------
# Rating phases
# ---------------------------------------------------------------------------


def _kinds():
    return current_app.extensions["mitsprache"].registry.phase_kinds


def setting(phase: Phase, name: str, default: Any) -> Any:
    kind = _kinds().get(phase.kind)
    try:
        return kind.setting(phase, name) if kind else default
    except KeyError:
        return default


def mode_of(phase: Phase | None) -> str:
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


@dataclass(frozen=True)
class PhaseContext:
    """The rating phase that matters for a project right now, and its state."""

    phase: Phase | None
    state: PhaseState | None

    @property
    def active(self) -> bool:
        return self.state is PhaseState.ACTIVE


def phases_with(project: Project, action: str) -> list[Phase]:
    kinds = _kinds()
    return [p for p in known_phases(project) if action in kinds[p.kind].features]


def rating_context(project: Project) -> PhaseContext:
    """The active rating phase; else the one that ended last; else the next one; else none."""
    at = now()
    phases = phases_with(project, VOTE_ACTION)
    active = [p for p in phases if p.state(at) is PhaseState.ACTIVE]
    if active:
        return PhaseContext(active[0], PhaseState.ACTIVE)
    ended = sorted((p for p in phases if p.state(at) is PhaseState.ENDED), key=lambda p: p.end)
    if ended:
        return PhaseContext(ended[-1], PhaseState.ENDED)
    upcoming = sorted((p for p in phases if p.state(at) is PhaseState.UPCOMING), key=lambda p: p.start)
    if upcoming:
        return PhaseContext(upcoming[0], PhaseState.UPCOMING)
    return PhaseContext(None, None)


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


def _insert(model):
    """``INSERT … ON CONFLICT DO NOTHING`` for the current database."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def lock_ballot(phase_id: int, user_id: int) -> None:
    """Create (if needed) and lock the user's ballot row for this phase until commit. See the module docstring."""
    db.session.execute(
        _insert(Ballot).values(phase_id=phase_id, user_id=user_id, changes=0).on_conflict_do_nothing(
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
        _insert(Vote).values(
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


# ---------------------------------------------------------------------------
# Polls
# ---------------------------------------------------------------------------


def poll_of(project: Project) -> Poll | None:
    return db.session.scalar(select(Poll).where(Poll.project_id == project.id))


def poll_context(project: Project) -> PhaseContext:
    at = now()
    phases = phases_with(project, POLL_ACTION)
    active = [p for p in phases if p.state(at) is PhaseState.ACTIVE]
    if active:
        return PhaseContext(active[0], PhaseState.ACTIVE)
    upcoming = sorted((p for p in phases if p.state(at) is PhaseState.UPCOMING), key=lambda p: p.start)
    if upcoming:
        return PhaseContext(upcoming[0], PhaseState.UPCOMING)
    ended = sorted((p for p in phases if p.state(at) is PhaseState.ENDED), key=lambda p: p.end)
    if ended:
        return PhaseContext(ended[-1], PhaseState.ENDED)
    return PhaseContext(None, None)


def poll_has_answers(poll: Poll) -> bool:
    return db.session.scalar(select(Response.id).where(Response.poll_id == poll.id).limit(1)) is not None


def own_answers(poll: Poll, user_id: int) -> tuple[Response | None, dict[int, Any]]:
    """The user's response and ``{question_id: [option ids] or text}``."""
    response = db.session.scalar(select(Response).where(Response.poll_id == poll.id, Response.user_id == user_id))
    if response is None:
        return None, {}
    values: dict[int, Any] = {}
    for answer in db.session.scalars(select(Answer).where(Answer.response_id == response.id)):
        if answer.option_id is not None:
            values.setdefault(answer.question_id, []).append(answer.option_id)
        else:
            values[answer.question_id] = answer.text
    return response, values


def _save_response_once(poll_id: int, user_id: int, answers: dict[int, Any], questions: dict[int, Question]) -> None:
    at = now()
    db.session.execute(
        _insert(Response)
        .values(poll_id=poll_id, user_id=user_id, created_at=at, updated_at=at)
        .on_conflict_do_nothing(index_elements=["poll_id", "user_id"])
    )
    # Locks the response row until commit (see the module docstring).
    db.session.execute(
        update(Response)
        .where(Response.poll_id == poll_id, Response.user_id == user_id)
        .values(updated_at=at)
        .execution_options(synchronize_session=False)
    )
    response_id = db.session.scalar(
        select(Response.id).where(Response.poll_id == poll_id, Response.user_id == user_id)
    )
    db.session.execute(delete(Answer).where(Answer.response_id == response_id).execution_options(synchronize_session=False))
    rows = []
    for question_id, value in answers.items():
        if questions[question_id].has_options:
            rows += [dict(response_id=response_id, question_id=question_id, option_id=o, text=None) for o in value]
        elif value:
            rows.append(dict(response_id=response_id, question_id=question_id, option_id=None, text=value))
    if rows:
        db.session.execute(_insert(Answer), rows)


def save_response(poll: Poll, user_id: int, answers: dict[int, Any]) -> None:
    """Store the user's validated answers, replacing earlier ones, all or nothing; commits."""
    poll_id = poll.id
    questions = {q.id: q for q in poll.questions}
    for attempt in range(RETRIES):
        try:
            _save_response_once(poll_id, user_id, answers, questions)
            follow(user_id, poll.project_id)
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            if attempt == RETRIES - 1:
                raise


@dataclass
class QuestionResult:
    question: Question
    respondents: int  # people who answered this question
    options: list[tuple[Option, int, float]]  # option, count, percent of respondents
    texts: list[str]


def poll_results(poll: Poll, with_texts: bool) -> tuple[int, list[QuestionResult]]:
    """Total respondents and per-question results, in three queries (four with free texts)."""
    total = db.session.scalar(select(func.count(Response.id)).where(Response.poll_id == poll.id)) or 0
    option_counts = dict(
        db.session.execute(
            select(Answer.option_id, func.count(Answer.id))
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id, Answer.option_id.is_not(None))
            .group_by(Answer.option_id)
        ).all()
    )
    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id)
            .group_by(Answer.question_id)
        ).all()
    )
    texts: dict[int, list[str]] = {}
    if with_texts:
        # Sorted alphabetically, without names or times, so answers cannot be linked to people
        # or to each other across questions.
        for question_id, text in db.session.execute(
            select(Answer.question_id, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.poll_id == poll.id, Answer.text.is_not(None))
            .order_by(Answer.question_id, func.lower(Answer.text))
        ):
            texts.setdefault(question_id, []).append(text)
    results = []
    for question in poll.questions:
        respondents = int(answered.get(question.id, 0))
        options = []
        for option in question.options:
            count = int(option_counts.get(option.id, 0))
            options.append((option, count, round(100 * count / respondents, 1) if respondents else 0.0))
        results.append(QuestionResult(question, respondents, options, texts.get(question.id, [])))
    return int(total), results
