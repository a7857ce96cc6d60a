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

The listener that enqueues is :func:`core.notifications.tasks.send_soon_after_commit`
(beside the task it enqueues); this module only marks, so the write paths
that mark need not import the queue.

In huey's immediate mode (``task_queue_url = "memory://"``, the tests'
setting) nothing is enqueued: the task would run inside the committing
request; those tests send with an explicit tick.
"""
from __future__ import annotations

#: Key in ``Session.info``: this transaction put an immediate e-mail into the outbox.
MARK = "mitsprache_send_soon"


def mark(session) -> None:
    """Send the outbox soon after ``session`` commits (called where immediate outbox rows are inserted)."""
    session.info[MARK] = True


def taken(session) -> bool:
    """Whether ``session``'s transaction marked (and forget the mark: it holds for one transaction)."""
    return bool(session.info.pop(MARK, False))
