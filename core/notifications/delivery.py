"""Sending the outbox (``core_delivery``): claimed by a conditional UPDATE, retried with backoff, sent once.

How a row goes out::

    pending --claim--> sending --SMTP accepted--> sent
                          |--SMTP down / 4xx------> pending (next_try_at = now + backoff) ... failed after MAX_ATTEMPTS
                          |--nobody to send to----> skipped (address not confirmed, account deleted, unsubscribed)

**Claiming.** A worker picks due rows and runs ``UPDATE core_delivery SET
state='sending', claim_token=:mine … WHERE id IN (…) AND <still due>``, then
commits and reads back the rows carrying its token. The WHERE repeats the
"due" condition, so when two workers pick the same rows the database gives
each row to one of them: PostgreSQL re-checks the condition on a row another
transaction just changed (READ COMMITTED) and skips it; SQLite runs one writer
at a time. Nothing is sent before the claim is committed.

**Marking sent.** After the SMTP server accepted a message (``250`` after
``DATA``), the row is marked ``sent`` in its own transaction, at once, before
the next message: the only moment a message can be handed over twice is a
crash in the milliseconds between the server's ``250`` and that commit.

**The trade-off: at-least-once.** A worker killed mid-batch leaves rows in
``sending``. After ``LEASE`` they are due again and another worker sends them.
So a message is never lost; in the rare crash between acceptance and commit,
it is sent a second time, with the same ``Message-ID`` (mail programs then show
it once). The alternative, at-most-once (mark sent *before* handing over), would
lose a moderation notice or a deadline reminder whenever a worker dies at the
wrong moment, silently; a rare double is the smaller harm. A worker never holds
a claim longer than its lease: the SMTP timeout (``smtp_timeout``, 30 s) is far
shorter, and a worker checks before each message that its claim is still
fresh, so a slow worker never races the one that took over.

**Backoff.** When the server cannot be reached or answers ``4xx``, the row
and the rest of the batch go back to ``pending`` with ``next_try_at`` 1, 2, 4 …
minutes later (at most 6 hours), up to ``MAX_ATTEMPTS`` tries (about two days);
a permanent refusal (``5xx`` for the recipient) fails that row only.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from ..clock import now
from ..extensions import db
from ..mail import deliver_message, open_smtp
from .models import ALL_KINDS, FAILED, OFF, PENDING, SENDING, SENT, SKIPPED, Delivery, Notification

log = logging.getLogger("mitsprache.notifications")

LEASE = timedelta(minutes=10)
#: A worker stops using a claim this long before it could be taken over.
LEASE_MARGIN = timedelta(minutes=2)
MAX_ATTEMPTS = 12
BATCH = 50


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


@dataclass
class SendReport:
    """What one :func:`send_outbox` run did."""

    sent: int = 0
    skipped: int = 0
    retry: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _due(at: datetime):
    return or_(
        and_(Delivery.state == PENDING, Delivery.next_try_at <= at),
        and_(Delivery.state == SENDING, Delivery.claimed_at < at - LEASE),  # left by a worker that died
    )


def claim(limit: int = BATCH, at: datetime | None = None) -> tuple[str, list[Delivery]]:
    """Claim up to ``limit`` due rows for this worker and commit; returns the claim token and the rows."""
    at = at or now()
    token = str(uuid.uuid4())
    ids = list(db.session.scalars(select(Delivery.id).where(_due(at)).order_by(Delivery.id).limit(limit)))
    if not ids:
        db.session.rollback()
        return token, []
    db.session.execute(
        update(Delivery).where(Delivery.id.in_(ids), _due(at))
        .values(state=SENDING, claim_token=token, claimed_at=at, attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = list(db.session.scalars(select(Delivery).where(Delivery.claim_token == token).order_by(Delivery.id)))
    return token, rows


def _finish(delivery_id: int, token: str, **values) -> bool:
    """Set the row's outcome if this worker still holds it; commit at once. False if the claim was lost."""
    changed = db.session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.claim_token == token)
        .values(claim_token=None, **values).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(changed)


def _release(rows: list[Delivery], token: str, error: str, at: datetime, report: SendReport) -> None:
    """Give rows back for a later try (or fail them after the last one)."""
    for row in rows:
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row.id, token, state=FAILED, last_error=error[:2000])
            report.failed += 1
        else:
            _finish(row.id, token, state=PENDING, next_try_at=at + backoff(row.attempts), last_error=error[:2000])
            report.retry += 1


def _contents(delivery: Delivery) -> tuple[object, list[Notification]] | None:
    """The recipient and the notifications a row carries, or None when it must not be sent."""
    from ..models import User
    from .api import preferences_of

    user = db.session.get(User, delivery.recipient_id)
    if user is None or getattr(user, "deleted_at", None) is not None or user.email_confirmed_at is None:
        return None  # no e-mail before the address is confirmed; the inbox has it all the same
    # The actor and the project of each line in the same two queries, not one per line.
    query = select(Notification).options(selectinload(Notification.actor), selectinload(Notification.project))
    if delivery.digest_key is not None:
        query = query.where(Notification.digest_delivery_id == delivery.id).order_by(
            Notification.project_id, Notification.created_at, Notification.id)
    else:
        query = query.where(Notification.id == delivery.notification_id)
    notifications = list(db.session.scalars(query))
    # Unsubscribed since the event, or the kind's plugin disabled since: respect it now.
    chosen = preferences_of(user.id)
    if chosen.get(ALL_KINDS) == OFF:
        return None
    still_wanted = [n for n in notifications if chosen.get(n.kind, OFF) != OFF]
    return (user, still_wanted) if still_wanted else None


def send_outbox(limit: int | None = None, batch: int = BATCH) -> SendReport:
    """Send every due outbox row (at most ``limit``), batch by batch over one SMTP connection."""
    from .kinds import notification_kinds

    report = SendReport()
    kinds = notification_kinds()
    while limit is None or report.sent + report.skipped + report.failed < limit:
        token, rows = claim(min(batch, limit - report.sent - report.skipped - report.failed) if limit else batch)
        if not rows:
            break
        claimed_at = now()
        smtp = None
        try:
            for index, row in enumerate(rows):
                if now() - claimed_at > LEASE - LEASE_MARGIN:
                    _release(rows[index:], token, "claim expired before sending", now(), report)
                    break
                contents = _contents(row)
                if contents is None:
                    _finish(row.id, token, state=SKIPPED)
                    report.skipped += 1
                    continue
                user, notifications = contents
                message = _compose(row, user, notifications, kinds)
                try:
                    if smtp is None and current_app.config.get("SMTP_HOST"):
                        smtp = open_smtp()
                    deliver_message(message, smtp)
                except smtplib.SMTPRecipientsRefused as exc:
                    permanent = all(code >= 500 for code, _msg in exc.recipients.values())
                    if permanent:
                        _finish(row.id, token, state=FAILED, last_error=str(exc)[:2000])
                        report.failed += 1
                        continue
                    _release(rows[index:], token, str(exc), now(), report)
                    report.errors.append(str(exc))
                    return report
                except (OSError, smtplib.SMTPException) as exc:
                    # The server is down or busy: keep this row and the rest of the batch for later.
                    _release(rows[index:], token, f"{type(exc).__name__}: {exc}", now(), report)
                    report.errors.append(f"{type(exc).__name__}: {exc}")
                    log.warning("Outbox: SMTP failed (%s); %d e-mails wait for the next try", exc, len(rows) - index)
                    return report
                if _finish(row.id, token, state=SENT, sent_at=now(), last_error=None):
                    report.sent += 1
                else:
                    log.error("Outbox: delivery %s was sent but its claim had been taken over", row.id)
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    smtp.close()
    return report


def _compose(row, user, notifications, kinds):
    from .emails import compose

    return compose(row, user, notifications, kinds)


__all__ = ["ALL_KINDS", "BATCH", "LEASE", "MAX_ATTEMPTS", "SENT", "SendReport", "backoff", "claim", "send_outbox"]
