"""Dates as people read them: in the deployment's time zone and the reader's language.

Phase messages must never show an empty or UTC date, so all templates and
policy messages go through :func:`format_moment`.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, get_locale

#: "29 March 2022, 00:00" / "29. März 2022, 00:00 Uhr"
PATTERNS = {"de": "d. MMMM y, HH:mm 'Uhr'", "en": "d MMMM y, HH:mm"}
DATE_PATTERNS = {"de": "d. MMMM y", "en": "d MMMM y"}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale and locale.language in PATTERNS else "en"


def format_moment(dt: datetime | None) -> str:
    """A date and time in the deployment's zone, e.g. "10 April 2022, 23:59"."""
    if dt is None:
        raise ValueError("format_moment needs a date; a phase never has an empty one")
    return format_datetime(dt, PATTERNS[_lang()])


def format_day(dt: datetime) -> str:
    """Only the date, e.g. "10 April 2022"."""
    return format_datetime(dt, DATE_PATTERNS[_lang()])


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in the deployment's zone."""

    def __init__(self, value: datetime, kind: str):
        super().__init__(kind)
        self.value, self.kind = value, kind


def local_moment(value: datetime, zone) -> datetime:
    """``value`` (naive, a wall-clock time in ``zone``) as an aware datetime, or :class:`LocalTimeError`.

    On the spring DST night 02:30 does not exist in Germany, and on the autumn
    night it happens twice. ``replace(tzinfo=…)`` would silently shift the first
    and pick one of the second: a deadline an hour off from what the initiator
    typed. ``kind`` is ``"missing"`` or ``"ambiguous"``.
    """
    from datetime import UTC

    aware = value.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value:
        raise LocalTimeError(value, "missing")
    if value.replace(tzinfo=zone, fold=1).utcoffset() != aware.utcoffset():
        raise LocalTimeError(value, "ambiguous")
    return aware
