"""E-mails "at once" leave right after the commit that wrote them, not on the worker's next minute tick.

:meth:`core.notifications.api.Prepared.add` marks the database session when it
puts an immediate e-mail into the outbox. Once that transaction has committed
(never before: the worker must find the row), one ``mitsprache.send_outbox_now``
task goes to the queue, and the worker sends within its polling delay (at most
:data:`core.notifications.tasks.POLL_AT_MOST` seconds when idle). The task only
sends what is due and claims rows with a lease (:func:`.delivery.claim`), so a
burst of events enqueues many cheap tasks, never an e-mail twice. A rollback
forgets the mark. If the queue cannot be reached, the e-mail waits for the
minute tick: the outbox row is committed, so nothing is lost.

In huey's immediate mode (``task_queue_url = "memory://"``, the tests'
setting) nothing is enqueued: the task would run inside the committing
request; those tests send with an explicit tick.
"""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("mitsprache.worker")

#: Key in ``Session.info``: this transaction put an immediate e-mail into the outbox.
MARK = "mitsprache_send_soon"


def mark(session) -> None:
    """Send the outbox soon after ``session`` commits (called where immediate outbox rows are inserted)."""
    session.info[MARK] = True


def install() -> None:
    """Listen to every session's commit and rollback (idempotent: one listener per process, however many apps)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _forget)


def _forget(session) -> None:
    session.info.pop(MARK, None)


def _after_commit(session) -> None:
    if not session.info.pop(MARK, False) or not has_app_context():
        return
    from .tasks import huey_for

    try:
        huey = huey_for(current_app._get_current_object())
        if not huey.immediate:
            huey.mitsprache_send_outbox_now()
    except Exception as exc:  # the queue is away: the committed row goes out with the next minute tick
        log.warning("Outbox: could not enqueue sending at once (%s: %s); the worker's tick sends it",
                    type(exc).__name__, exc)
