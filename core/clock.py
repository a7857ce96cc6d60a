"""The injectable clock: every "is this phase open?" question asks it.

Production uses :class:`SystemClock`. Tests swap in a :class:`FrozenClock` and
travel in time instead of sleeping::

    clock = FrozenClock(datetime(2022, 3, 29, tzinfo=UTC))
    app = create_app(test_config, clock=clock)
    clock.advance(days=12)
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app, g, has_request_context


class SystemClock:
    """The real time, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime):
        self.set(at)

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)`` and return the new time."""
        self._now += timedelta(**delta)
        return self._now

    def now(self) -> datetime:
        return self._now


def now() -> datetime:
    """The current time according to the running app's clock (aware, UTC).

    Within a request it is one moment, taken at its first call: the phase check
    ("is participation open?") and the timestamp stored with the contribution
    must agree, or a comment checked at 23:59:59.995 is stored at 00:00:00.004,
    after the phase ended.
    """
    if has_request_context():
        moment = g.get("_mitsprache_now")
        if moment is None:
            moment = g._mitsprache_now = current_app.extensions["mitsprache"].clock.now()
        return moment
    return current_app.extensions["mitsprache"].clock.now()
