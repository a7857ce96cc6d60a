"""Counting and storing votes (:mod:`.rating`) and poll answers (:mod:`.polls`), exactly, on SQLite and PostgreSQL.

This module holds what both share: which phase of a project counts
(:func:`phase_context`), a phase's settings, and the storage pattern below.

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

from core.toolkit import known_phases, now, Phase, PhaseState, Project

VOTE_ACTION = "vote.cast"
POLL_ACTION = "poll.answer"
#: How often a write that lost a race (``IntegrityError``) is tried again.
RETRIES = 3

#: Which phase matters while none of its kind is active: for rating the one that ended last
#: (its votes are the result), else the next one; for a poll the next one (people can still
#: answer), else the one that ended last (its results).
WHEN_NONE_ACTIVE = {
    VOTE_ACTION: (PhaseState.ENDED, PhaseState.UPCOMING),
    POLL_ACTION: (PhaseState.UPCOMING, PhaseState.ENDED),
}


def _kinds():
    return current_app.extensions["mitsprache"].registry.phase_kinds


def setting(phase: Phase, name: str, default: Any) -> Any:
    """The phase's value of its kind's setting ``name``, or ``default``."""
    kind = _kinds().get(phase.kind)
    try:
        return kind.setting(phase, name) if kind else default
    except KeyError:
        return default


@dataclass(frozen=True)
class PhaseContext:
    """The phase of one kind that matters for a project right now, and its state (both None without one)."""

    phase: Phase | None
    state: PhaseState | None

    @property
    def active(self) -> bool:
        return self.state is PhaseState.ACTIVE


def phases_with(project: Project, action: str) -> list[Phase]:
    """The project's phases whose kind offers ``action`` (``VOTE_ACTION``, ``POLL_ACTION``), in order."""
    kinds = _kinds()
    return [p for p in known_phases(project) if action in kinds[p.kind].features]


def phase_context(project: Project, action: str) -> PhaseContext:
    """The phase for ``action`` in this project and its state: the active one, else as ``WHEN_NONE_ACTIVE`` says.

    Among several that ended, the one that ended last; among several upcoming, the next to begin.
    """
    at = now()
    phases = phases_with(project, action)
    active = [p for p in phases if p.state(at) is PhaseState.ACTIVE]
    if active:
        return PhaseContext(active[0], PhaseState.ACTIVE)
    for state in WHEN_NONE_ACTIVE[action]:
        if state is PhaseState.ENDED:
            ended = sorted((p for p in phases if p.state(at) is PhaseState.ENDED), key=lambda p: p.end)
            if ended:
                return PhaseContext(ended[-1], PhaseState.ENDED)
        else:
            upcoming = sorted((p for p in phases if p.state(at) is PhaseState.UPCOMING), key=lambda p: p.start)
            if upcoming:
                return PhaseContext(upcoming[0], PhaseState.UPCOMING)
    return PhaseContext(None, None)


