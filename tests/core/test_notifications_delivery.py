"""Delivery: digests, confirmation, unsubscribing, an SMTP server that refuses for a while, a worker killed mid-batch.

The worker's periodic task runs through huey (in immediate mode, ``task_queue_url
= "memory://"``) with the app's clock: tests move the clock, never sleep. The
SMTP server is a real one (aiosmtpd on 127.0.0.1) that can refuse, delay and
accept on command.
"""
from __future__ import annotations

import asyncio
import email
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core.extensions import db
from core.mail import outbox
from core.models import Follow, Project, User
from core.notifications.api import notify, set_preference
from core.notifications.delivery import LEASE
from core.notifications.kinds import PHASE_CLOSES, PHASE_OPENS
from core.notifications.models import FAILED, PENDING, SENDING, SENT, SKIPPED, Delivery, Notification
from core.notifications.tasks import huey_for
from core.services import add_phase, create_project, create_user

ROOT = Path(__file__).resolve().parents[2]
#: 30 March 2026, 05:00 in Berlin (summer time): before the day's digest hour (7).
EARLY = datetime(2026, 3, 30, 3, 0, tzinfo=UTC)


class SMTPServer:
    """A local SMTP server that accepts, or answers 451 while ``refusing``, or holds message number ``hold_at``."""

    def __init__(self):
        self.received: list[email.message.EmailMessage] = []
        self.attempts = 0
        self.refusing = False
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.hold_at is not None and self.attempts == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
            return "451 4.3.0 Try again later"
        if self.refusing:
            return "451 4.3.0 Try again later"
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.received]


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture
def site(make_app, clock):
    """An app with comments (so a kind of each default) whose worker runs through huey's immediate mode."""

    def build(**config):
        app = make_app(plugins=["comments"], TASK_QUEUE_URL="memory://", **config)
        with app.app_context():
            people = {name: create_user(f"{name}@example.org", "password-long", name.title())
                      for name in ("anna", "ben", "carla", "dora")}
            first = create_project("radweg", "Radweg Nord")
            second = create_project("markt", "Marktplatz")
            db.session.commit()
            ids = {name: user.id for name, user in people.items()}
            return app, ids, first.id, second.id

    return build


def tick(app):
    """One run of the worker's duties, enqueued to huey (immediate mode runs it at once), at the clock's time.

    It is the task the minute's periodic ``mitsprache.tick`` runs; huey keeps no result of periodic tasks,
    so the test enqueues the same work as the on-demand task and reads what it did.
    """
    return huey_for(app).mitsprache_send_now()(blocking=True, timeout=60)


def told(app, kind, user_ids, project_id, actor_id=None, **payload):
    with app.app_context(), app.test_request_context():
        notify(kind, user_ids, project=db.session.get(Project, project_id), actor=actor_id, **payload)
        db.session.commit()


def deliveries(app):
    with app.app_context():
        return [(d.recipient_id, d.state, d.digest_key is not None, d.attempts)
                for d in db.session.scalars(db.select(Delivery).order_by(Delivery.id))]


def test_a_busy_day_becomes_one_digest_per_person_grouped_by_project(site, clock):
    clock.set(EARLY)
    app, people, radweg, markt = site()
    for i in range(12):  # a busy morning: replies in two projects
        told(app, "comments.reply", [people["anna"], people["ben"]], radweg if i % 3 else markt,
             actor_id=people["carla"], excerpt=f"Antwort {i}", url=f"/comments/c/{i + 1}")
        clock.advance(minutes=9)
    assert tick(app)["digests"] == 0
    with app.app_context():
        assert len(outbox()) == 0
    clock.set(datetime(2026, 3, 30, 4, 59, tzinfo=UTC))  # 06:59 in Berlin: not yet
    assert tick(app)["digests"] == 0
    clock.set(datetime(2026, 3, 30, 5, 0, tzinfo=UTC))  # 07:00: the digests go out
    done = tick(app)
    assert done["digests"] == 2 and done["sent"] == 2
    with app.app_context():
        mails = list(outbox())
    assert sorted(m["To"] for m in mails) == ["anna@example.org", "ben@example.org"]
    mail = next(m for m in mails if m["To"] == "anna@example.org")
    assert mail["Subject"] == "Mitsprache: 12 new notifications today"
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert text.index("== Radweg Nord ==") < text.index("== Marktplatz ==")
    assert text.count("Carla replied to your comment") == 12 and "<h2" in html and "Marktplatz" in html
    assert "http://localhost/comments/c/1" in text or "/comments/c/1" in text
    assert mail["List-Unsubscribe"].startswith("<") and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Later the same day: new notifications wait for tomorrow; the same tick again sends nothing.
    clock.advance(hours=2)
    told(app, "comments.reply", [people["anna"]], markt, actor_id=people["ben"], excerpt="Später", url="/")
    assert tick(app) == {"reminders": 0, "digests": 0, "sent": 0, "skipped": 0, "retry": 0, "failed": 0}
    clock.set(datetime(2026, 3, 31, 5, 30, tzinfo=UTC))
    done = tick(app)
    assert done["digests"] == 1 and done["sent"] == 1
    with app.app_context():
        assert outbox()[-1]["Subject"] == "Mitsprache: 1 new notification today"
        assert [d for d in deliveries(app) if d[1] != SENT] == []


def test_german_readers_get_german_e_mails(site, clock):
    clock.set(EARLY)
    app, people, radweg, _markt = site()
    with app.app_context():
        db.session.get(User, people["anna"]).locale = "de"
        db.session.commit()
    told(app, "comments.moderated", [people["anna"]], radweg, actor_id=people["ben"], action="hide",
         excerpt="Mein Kommentar", reason="Beleidigung", url="/")
    assert tick(app)["sent"] == 1
    with app.app_context():
        mail = outbox()[-1]
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Mitsprache: Die Moderation hat Ihren Kommentar „Mein Kommentar“ ausgeblendet. Grund: Beleidigung"
    assert "Hallo Anna," in text and "Gar keine E-Mails mehr:" in text
    assert "Alle Ihre Benachrichtigungen" in mail.get_body(("html",)).get_content()


def test_no_e_mail_before_the_address_is_confirmed(site, clock):
    clock.set(EARLY)
    app, people, radweg, _markt = site()
    with app.app_context():
        newcomer = create_user("new@example.org", "password-long", "Neu", confirmed=False)
        db.session.commit()
        newcomer_id = newcomer.id
    told(app, "comments.moderated", [newcomer_id], radweg, actor_id=people["ben"], action="restore", excerpt="x")
    told(app, "comments.reply", [newcomer_id], radweg, actor_id=people["ben"], excerpt="y")
    clock.set(datetime(2026, 3, 30, 6, 0, tzinfo=UTC))
    done = tick(app)
    assert done["sent"] == 0 and done["skipped"] == 1 and done["digests"] == 0
    with app.app_context():
        assert list(outbox()) == []
        assert db.session.scalar(db.select(db.func.count(Notification.id))
                                 .where(Notification.recipient_id == newcomer_id)) == 2  # the inbox has both


def test_unsubscribe_by_link_without_logging_in(site, clock):
    clock.set(EARLY)
    app, people, radweg, _markt = site()
    told(app, "comments.moderated", [people["anna"]], radweg, actor_id=people["ben"], action="restore", excerpt="x")
    tick(app)
    with app.app_context():
        mail = outbox()[-1]
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.split("localhost", 1)[1]
    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Stop e-mails about “Moderation of my comments”" in page.get_data(as_text=True)
    # What a mail program sends for the one-click button (RFC 8058): no session, no CSRF token.
    done = visitor.post(path, data={"List-Unsubscribe": "One-Click"}, csrf=False)
    assert done.status_code == 200 and "gets no more e-mails about" in done.get_data(as_text=True)
    told(app, "comments.moderated", [people["anna"]], radweg, actor_id=people["ben"], action="restore", excerpt="z")
    assert tick(app)["sent"] == 0
    # The "no e-mails at all" link from the text part works the same way, for every kind.
    text = mail.get_body(("plain",)).get_content()
    everything = next(line for line in text.splitlines() if line.startswith("No more e-mails at all"))
    assert visitor.post(everything.split("localhost", 1)[1], csrf=False).status_code == 200
    told(app, "comments.reply", [people["anna"]], radweg, actor_id=people["ben"], excerpt="q")
    clock.advance(days=1)
    assert tick(app)["digests"] == 0
    assert visitor.post("/notifications/unsubscribe/forged", csrf=False).status_code == 404


def test_an_smtp_server_that_refuses_for_a_while_loses_and_doubles_nothing(site, clock, smtp):
    clock.set(EARLY)
    app, people, radweg, _markt = site(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                                       SMTP_TIMEOUT=5)
    for name in ("anna", "ben", "carla"):
        told(app, "comments.moderated", [people[name]], radweg, actor_id=people["dora"], action="restore",
             excerpt=f"für {name}")
    # The server is down: nothing is sent, everything waits a minute.
    done = tick(app)
    assert done["sent"] == 0 and done["retry"] == 3
    assert {d[1] for d in deliveries(app)} == {PENDING}
    # The server is up but answers "try later"; before the pause is over nobody tries.
    smtp.refusing = True
    smtp.start()
    clock.advance(seconds=30)
    assert tick(app)["retry"] == 0 and smtp.attempts == 0
    clock.advance(seconds=31)
    assert tick(app)["retry"] == 3 and smtp.attempts == 1  # the batch waits behind the first refusal
    assert [d[3] for d in deliveries(app)] == [2, 2, 2]
    clock.advance(minutes=1)
    assert tick(app)["sent"] == 0  # the second pause is two minutes
    # It accepts again: each e-mail arrives exactly once.
    smtp.refusing = False
    clock.advance(minutes=1, seconds=1)
    assert tick(app)["sent"] == 3
    clock.advance(hours=1)
    assert tick(app)["sent"] == 0
    assert sorted(m["To"] for m in smtp.received) == ["anna@example.org", "ben@example.org", "carla@example.org"]
    assert len(set(smtp.message_ids())) == 3
    assert {d[1] for d in deliveries(app)} == {SENT}


def _worker_env(app, smtp, instance: Path) -> dict:
    env = {**os.environ, "MITSPRACHE_INSTANCE": str(instance), "MITSPRACHE_SECRET_KEY": "test-secret",
           "MITSPRACHE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "MITSPRACHE_PLUGINS": "comments",
           "MITSPRACHE_ENVIRONMENT": "development", "MITSPRACHE_SMTP_HOST": "127.0.0.1",
           "MITSPRACHE_SMTP_PORT": str(smtp.port), "MITSPRACHE_SMTP_STARTTLS": "false",
           "MITSPRACHE_DEFAULT_LOCALE": "en"}
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    if "connect_args" in options and "options" in options["connect_args"]:  # PostgreSQL: this test's schema
        env["MITSPRACHE_SQLALCHEMY_ENGINE_OPTIONS"] = json.dumps(
            {"connect_args": {"options": options["connect_args"]["options"]}})
    return env


def test_a_worker_killed_mid_batch_leaves_nothing_unsent_or_doubled(site, clock, smtp, tmp_path):
    # The worker process runs on the real clock; so does this test's app, until it travels past the lease.
    clock.set(datetime.now(UTC).replace(microsecond=0))
    app, people, radweg, _markt = site(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False)
    with app.app_context():
        more = [create_user(f"p{i}@example.org", "password-long", f"P{i}").id for i in range(4)]
        db.session.commit()
    recipients = [people["anna"], people["ben"], people["carla"], *more]
    for user_id in recipients:
        told(app, "comments.moderated", [user_id], radweg, actor_id=people["dora"], action="restore", excerpt="x")
    smtp.hold_at = 3  # the third message hangs in DATA ...
    smtp.start()
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen([sys.executable, "-c", "from core.cli import main; main()", "notifications", "send"],
                                  cwd=ROOT, env=_worker_env(app, smtp, tmp_path / "worker-instance"),
                                  stdout=output, stderr=subprocess.STDOUT)
        try:
            assert smtp.holding.wait(60), log.read_text()
            worker.send_signal(signal.SIGKILL)  # ... and the worker dies there, holding the whole batch
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait(10)
    smtp.release.set()  # that message was never accepted
    assert len(smtp.received) == 2
    states = [d[1] for d in deliveries(app)]
    assert states.count(SENT) == 2 and states.count(SENDING) == 5
    # Another worker right away leaves the dead one's claims alone ...
    assert tick(app)["sent"] == 0
    # ... and once the lease has run out, sends exactly what is missing.
    clock.advance(seconds=LEASE.total_seconds() + 60)
    assert tick(app)["sent"] == 5
    assert sorted(m["To"] for m in smtp.received) == sorted(
        f"{name}@example.org" for name in ["anna", "ben", "carla", "p0", "p1", "p2", "p3"])
    assert len(set(smtp.message_ids())) == len(smtp.message_ids()) == 7
    assert {d[1] for d in deliveries(app)} == {SENT}


def test_phase_reminders_go_to_followers_once(make_app, clock):
    clock.set(EARLY)
    app = make_app(plugins=["comments", "ideas"], TASK_QUEUE_URL="memory://")
    with app.app_context():
        anna, ben, carla = (create_user(f"{n}@example.org", "password-long", n.title()) for n in ("anna", "ben", "carla"))
        project = create_project("radweg", "Radweg Nord")
        hidden = create_project("intern", "Intern", is_public=False)
        phase = add_phase(project, "ideas", "Ideen sammeln", EARLY + timedelta(hours=1), EARLY + timedelta(days=10))
        add_phase(hidden, "ideas", "Geheim", EARLY + timedelta(hours=1), EARLY + timedelta(days=10))
        db.session.add_all([Follow(user_id=anna.id, project_id=project.id), Follow(user_id=ben.id, project_id=project.id),
                            Follow(user_id=ben.id, project_id=hidden.id, created_at=EARLY),
                            Follow(user_id=carla.id, project_id=project.id, unfollowed_at=EARLY)])
        db.session.commit()
        ids = (anna.id, ben.id, carla.id, phase.id)

    def reminders():
        with app.app_context():
            return sorted((n.kind, n.recipient_id) for n in db.session.scalars(db.select(Notification)))

    assert tick(app)["reminders"] == 0
    clock.advance(hours=1)
    assert tick(app)["reminders"] == 2
    assert tick(app)["reminders"] == 0  # once only
    # Ben follows the private project but is not a member: he hears nothing of it. Carla unfollowed.
    assert reminders() == [(PHASE_OPENS, ids[0]), (PHASE_OPENS, ids[1])]
    clock.set(EARLY + timedelta(days=7, hours=2))
    assert tick(app)["reminders"] == 2
    assert reminders()[:2] == [(PHASE_CLOSES, ids[0]), (PHASE_CLOSES, ids[1])]
    page_text = _inbox_text(app, ids[0])
    assert "The phase “Ideen sammeln” of “Radweg Nord” has started." in page_text
    assert "The phase “Ideen sammeln” of “Radweg Nord” ends on 9 April 2026, 05:00." in page_text


def _inbox_text(app, user_id):
    from core.testing import CSRFClient  # noqa: F401  (the app's client class)

    client = app.test_client()
    with app.app_context():
        session_id = db.session.get(User, user_id).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
    return client.get("/notifications").get_data(as_text=True)


def test_building_the_app_opens_no_queue(make_app, tmp_path):
    """The huey instance (and its SQLite file) is made on first use in each process, never by create_app."""
    app = make_app(plugins=[])
    assert not (Path(app.instance_path) / "tasks.db").exists()
    assert getattr(app.extensions["mitsprache"], "huey", None) is None
    huey = huey_for(app)
    assert type(huey).__name__ == "SqliteHuey" and huey_for(app) is huey


def test_several_nodes_share_a_redis_queue(make_app):
    """With ``task_queue_url`` the queue is Redis (made without connecting: that happens on first use)."""
    app = make_app(plugins=[], TASK_QUEUE_URL="redis://127.0.0.1:6379/1")
    huey = huey_for(app)
    assert type(huey).__name__ == "RedisHuey"
    assert huey.storage.conn.connection_pool.connection_kwargs["db"] == 1
    assert not (Path(app.instance_path) / "tasks.db").exists()


def test_an_e_mail_at_once_is_queued_by_the_commit_not_the_minute_tick(make_app, clock, smtp):
    """The worker gets a task right after the commit that wrote an immediate e-mail (and none for a digest)."""
    clock.set(EARLY)
    smtp.start()
    app = make_app(plugins=["comments"], SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False)  # SQLite queue
    with app.app_context():
        anna, ben = (create_user(f"{n}@example.org", "password-long", n.title()) for n in ("anna", "ben"))
        project = create_project("radweg", "Radweg Nord")
        db.session.commit()
        people, radweg = {"anna": anna.id, "ben": ben.id}, project.id
    huey = huey_for(app)
    told(app, "comments.reply", [people["anna"]], radweg, actor_id=people["ben"], excerpt="digest")
    assert huey.pending() == []  # a reply goes into the daily digest: nothing to send now
    # A rolled-back event enqueues nothing either.
    with app.app_context(), app.test_request_context():
        notify("comments.moderated", [people["anna"]], project=db.session.get(Project, radweg), actor=people["ben"],
               action="hide", excerpt="x")
        db.session.rollback()
    assert huey.pending() == []
    told(app, "comments.moderated", [people["anna"]], radweg, actor_id=people["ben"], action="hide", excerpt="y")
    pending = huey.pending()
    assert [task.name for task in pending] == ["mitsprache.send_outbox_now"]
    # What the worker does with it: the e-mail leaves, exactly once, without waiting for the tick.
    assert huey.execute(huey.dequeue()) == 1
    assert [m["To"] for m in smtp.received] == ["anna@example.org"]
    assert [state for _user, state, _digest, _attempts in deliveries(app)] == ["sent"]


def test_an_unreachable_queue_leaves_the_e_mail_to_the_tick(make_app, clock, smtp, caplog):
    """With the queue away the event still commits; the minute tick sends the e-mail."""
    clock.set(EARLY)
    app = make_app(plugins=["comments"], TASK_QUEUE_URL="redis://127.0.0.1:1/0")  # nothing listens there
    with app.app_context():
        anna = create_user("anna@example.org", "password-long", "Anna")
        project = create_project("radweg", "Radweg Nord")
        db.session.commit()
        anna_id, radweg = anna.id, project.id
    told(app, "comments.moderated", [anna_id], radweg, action="hide", excerpt="y")
    assert "could not enqueue sending at once" in caplog.text
    assert [state for _user, state, _digest, _attempts in deliveries(app)] == ["pending"]
