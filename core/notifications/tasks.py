"""The background worker: huey, with SQLite storage in the instance folder, or Redis with ``task_queue_url``.

``mitsprache worker`` runs huey's consumer for the app. Its periodic task
:func:`tick` runs every minute and does, with the app's clock:

1. phase reminders for followers (:mod:`.reminders`),
2. the daily digests once the digest hour has come (:mod:`.digest`),
3. sending whatever the outbox holds that is due (:mod:`.delivery`).

E-mails "at once" do not wait for it: the commit that writes one enqueues
``mitsprache.send_outbox_now`` (:mod:`.soon`); the tick is the safety net.

Each step is idempotent and safe to run on several workers at once, so the
minute tick is the whole schedule: a worker that was down catches up on its
first tick. Tests call the same task through huey in immediate mode, moving
the clock instead of waiting (``tests/core/test_notifications_delivery.py``).

The huey instance is made on first use, per process (:func:`huey_for`):
building the app opens nothing, so gunicorn's ``--preload`` forks clean
workers and no process inherits another's SQLite file or Redis socket.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import soon

log = logging.getLogger("mitsprache.worker")

#: Seconds an idle worker waits at most between looks at the queue (huey's default is 10): an e-mail
#: "at once" (:mod:`.soon`) leaves within this after its event.
POLL_AT_MOST = 2.0


def make_huey(app: Flask):
    """A new huey for the app: Redis at ``task_queue_url``, ``memory://`` for tests, else SQLite in the instance."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    url = app.config.get("TASK_QUEUE_URL")
    name = f"mitsprache-{app.config.get('SITE_NAME', 'site')}"
    if url and url.startswith("memory"):
        return MemoryHuey(name, immediate=True)
    if url:
        return RedisHuey(name, url=url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(Path(app.instance_path) / "tasks.db"))


def huey_for(app: Flask):
    """The app's huey with its tasks, made once per process on first use (never at import or app build)."""
    import os

    state = app.extensions["mitsprache"]
    cached = getattr(state, "huey", None)
    if cached is not None and cached[0] == os.getpid():
        return cached[1]
    huey = make_huey(app)
    _register_tasks(huey, app)
    state.huey = (os.getpid(), huey)
    return huey


def run_tick(app: Flask) -> dict:
    """One round of the worker's duties (also ``mitsprache notifications send``); returns what it did."""
    from ..extensions import db
    from .delivery import send_outbox
    from .digest import build_digests
    from .reminders import phase_reminders

    with app.app_context():
        try:
            reminders = phase_reminders()
            digests = build_digests()
            report = send_outbox()
        finally:
            db.session.remove()
    done = {"reminders": reminders, "digests": digests, "sent": report.sent, "skipped": report.skipped,
            "retry": report.retry, "failed": report.failed}
    if any(done.values()):
        log.info("worker tick: %s", done)
    return done


def _register_tasks(huey, app: Flask) -> None:
    from huey import crontab

    @huey.periodic_task(crontab(minute="*"), name="mitsprache.tick")
    def tick():
        return run_tick(app)

    @huey.task(name="mitsprache.send_outbox")
    def send_now():
        return run_tick(app)

    @huey.task(name="mitsprache.send_outbox_now")
    def send_outbox_now():
        """What is due in the outbox, enqueued after a commit that wrote an immediate e-mail (:mod:`.soon`)."""
        from ..extensions import db
        from .delivery import send_outbox

        with app.app_context():
            try:
                return send_outbox().sent
            finally:
                db.session.remove()

    huey.mitsprache_tick = tick
    huey.mitsprache_send_now = send_now
    huey.mitsprache_send_outbox_now = send_outbox_now


def send_soon_after_commit() -> None:
    """Enqueue ``mitsprache.send_outbox_now`` after each commit that wrote an e-mail "at once" (:mod:`.soon`).

    Listens to every session's commit and rollback; idempotent (one listener per process, however many apps).
    """
    if not event.contains(Session, "after_commit", _enqueue_if_marked):
        event.listen(Session, "after_commit", _enqueue_if_marked)
        event.listen(Session, "after_rollback", soon.taken)


def _enqueue_if_marked(session) -> None:
    if not soon.taken(session) or not has_app_context():
        return
    try:
        huey = huey_for(current_app._get_current_object())
        if not huey.immediate:  # immediate mode (tests) would send inside the committing request
            huey.mitsprache_send_outbox_now()
    except Exception as exc:  # the queue is away: the committed row goes out with the next minute tick
        log.warning("Outbox: could not enqueue sending at once (%s: %s); the worker's tick sends it",
                    type(exc).__name__, exc)


def run_worker(app: Flask, workers: int = 2) -> None:
    """Run huey's consumer (with the periodic tick) until stopped with Ctrl+C or SIGTERM."""
    huey = huey_for(app)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True,
                                    max_delay=POLL_AT_MOST)
    consumer.run()
