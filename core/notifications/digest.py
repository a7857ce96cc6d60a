"""The daily digest: each person's notifications of the day in one e-mail, grouped by project.

:func:`build_digests` runs every few minutes (a periodic task of the worker) and
does something only from ``digest_hour`` (default 7, in the deployment's time
zone) on: for everyone with notifications waiting for a digest, it adds one
outbox row keyed ``"<user id>:<local date>"`` (unique: a person gets at most
one digest a day, however many workers run this at once) and links the waiting
notifications to it, in one transaction per group of people. The outbox then
sends them like any other e-mail (:mod:`.delivery`).

Who gets none: people whose address is not confirmed yet (their notifications
wait, for at most ``MAX_AGE``) and deleted accounts.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..clock import now
from ..extensions import db
from .models import DIGEST, Delivery, Notification

#: Notifications older than this are not mailed any more (they stay in the inbox).
MAX_AGE = timedelta(days=7)
CHUNK = 200


def digest_day(at: datetime) -> str | None:
    """The local date whose digest is due at ``at``, or None before the day's digest hour."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    local = at.astimezone(zone)
    if local.hour < int(current_app.config.get("DIGEST_HOUR", 7)):
        return None
    return local.date().isoformat()


def build_digests(at: datetime | None = None) -> int:
    """Add today's digest outbox rows (if the digest hour has come); returns how many were added."""
    from ..models import User

    at = at or now()
    day = digest_day(at)
    if day is None:
        return 0
    waiting = (Notification.email == DIGEST, Notification.digest_delivery_id.is_(None),
               Notification.created_at > at - MAX_AGE, Notification.created_at <= at)
    deleted = getattr(User, "deleted_at", None)
    people = select(Notification.recipient_id).join(User, User.id == Notification.recipient_id).where(
        *waiting, User.email_confirmed_at.is_not(None), *([deleted.is_(None)] if deleted is not None else [])
    ).distinct()
    user_ids = sorted(db.session.scalars(people))
    db.session.rollback()
    added = 0
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start:start + CHUNK]
        keys = {user_id: f"{user_id}:{day}" for user_id in chunk}
        done = set(db.session.scalars(select(Delivery.digest_key).where(Delivery.digest_key.in_(list(keys.values())))))
        rows = [Delivery(recipient_id=user_id, digest_key=key, next_try_at=at, created_at=at)
                for user_id, key in keys.items() if key not in done]
        if not rows:
            db.session.rollback()
            continue
        db.session.add_all(rows)
        try:
            db.session.flush()
            for row in rows:
                db.session.execute(
                    update(Notification).where(Notification.recipient_id == row.recipient_id, *waiting)
                    .values(digest_delivery_id=row.id).execution_options(synchronize_session=False))
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another worker built these digests at the same moment
            continue
        added += len(rows)
    return added
