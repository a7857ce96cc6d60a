"""Benchmark: a deadline day's notifications delivered as digests, and posting a reply with notifications on.

Run ``make bench`` (or ``.venv/bin/python bench/notifications.py --help``). It

1. seeds a fresh SQLite instance (the embedded default) with 500 people who all
   follow one project in its last commenting day, and 5,000 comments written
   through the comments plugin's services, as the site writes them: each a reply
   to a follower's comment on an idea of another follower, so each comment
   tells two people (``comments.reply`` and ``comments.on_my_item``, both in the
   daily digest by default): 10,000 notifications, plus the "ends in 3 days"
   reminder for every follower;
2. runs the worker's duties at the digest hour with a real SMTP server on
   127.0.0.1 (aiosmtpd, in a thread of this process) and prints the worker time
   for building the digests and for sending them: one e-mail per person (500),
   each listing that person's day. Target (issue 11): under a minute of worker time;
3. posts replies through the app (Flask's test client, in this process, 8 writer
   threads) with notifications on and, for comparison, with the comments plugin's
   notifications switched off, and prints p50/p99. The posting target of
   ``bench/commenting.py`` is a p99 under 50 ms served by gunicorn; compare the
   difference between the two rows here with its posting figures.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import BENCH, ROOT, Client, free_port, gunicorn, percentile

PASSWORD = "bench-password"


class Sink:
    """An SMTP server that accepts everything and counts."""

    def __init__(self):
        self.count = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def build(instance: Path, port: int, clock):
    from core import create_app
    from core.config import write_config

    # One loopback address plays many people here, so the per-address limits are off (as in bench/commenting.py).
    write_config(instance, plugins=["comments", "ideas"], default_locale="de", environment="development",
                 base_url="http://127.0.0.1", smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                 ratelimit_enabled=False)
    return create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_ENABLED": False}, instance_path=instance, startup_checks=False, clock=clock)


def seed(app, people_count: int, comments: int, start: datetime) -> dict:
    from core.app import create_all_tables
    from core.extensions import db
    from core.models import Follow, User
    from core.services import add_phase, create_project
    from plugins.comments import services as comment_services
    from plugins.comments.models import Comment
    from plugins.ideas.models import Idea

    with app.app_context():
        create_all_tables()
        people = [User(email=f"person{i}@bench.example", display_name=f"Person {i}", email_confirmed_at=start,
                       locale="de" if i % 4 else "en") for i in range(people_count)]
        for person in people:
            person.set_password(PASSWORD)
        db.session.add_all(people)
        db.session.flush()
        project = create_project("haushalt", "Bürgerhaushalt 2027 (Benchmark)", "<p>Ideen</p>")
        add_phase(project, "ideas", "Ideen sammeln", start - timedelta(days=14), start + timedelta(days=3))
        db.session.add_all([Follow(user_id=p.id, project_id=project.id, created_at=start) for p in people])
        ideas = [Idea(project_id=project.id, author_id=people[i].id, title=f"Idee {i}: mehr Bänke am Fluss",
                      description_text="Text", description_html="<p>Text</p>", created_at=start)
                 for i in range(0, people_count, 5)]
        db.session.add_all(ideas)
        db.session.flush()
        seeds = [Comment(project_id=project.id, target_type="idea", target_id=idea.id, author_id=people[(n * 7 + 1) % people_count].id,
                         text="Erster Gedanke", html="<p>Erster Gedanke</p>", created_at=start) for n, idea in enumerate(ideas)]
        db.session.add_all(seeds)
        db.session.commit()
        seed_ids = [(c.id, c.target_id) for c in seeds]
        project_id = project.id
        ids = [p.id for p in people]
    rng = random.Random(11)
    begun = time.perf_counter()
    with app.test_request_context("/"):
        for i in range(comments):
            parent_id, idea_id = seed_ids[rng.randrange(len(seed_ids))]
            parent = db.session.get(Comment, parent_id)
            author = db.session.get(User, ids[rng.randrange(len(ids))])
            project = parent.project
            comment_services.create_comment("idea", idea_id, project, author,
                                            f"Antwort {i}: Das sehe ich ähnlich, aber bitte mit Zeitplan.", parent=parent)
            if i % 500 == 499:
                db.session.remove()
    seeded = time.perf_counter() - begun
    return {"project_id": project_id, "seed_ids": seed_ids, "people": ids, "seed_seconds": seeded}


def deliver(app, sink) -> dict:
    from core.extensions import db
    from core.notifications.delivery import send_outbox
    from core.notifications.digest import build_digests
    from core.notifications.models import Notification
    from core.notifications.reminders import phase_reminders

    with app.app_context():
        notifications = db.session.scalar(db.select(db.func.count(Notification.id)))
        t0 = time.perf_counter()
        reminders = phase_reminders()
        t1 = time.perf_counter()
        digests = build_digests()
        t2 = time.perf_counter()
        report = send_outbox()
        t3 = time.perf_counter()
        db.session.remove()
    return {"notifications": notifications, "reminders": reminders, "digests": digests, "sent": report.sent,
            "received": sink.count, "reminder_s": t1 - t0, "build_s": t2 - t1, "send_s": t3 - t2, "total_s": t3 - t0,
            "mb": sink.bytes / 1e6}


def post_replies(app, seed: dict, writers: int, posts_each: int) -> list[float]:
    from core.extensions import db
    from core.models import User

    with app.app_context():
        sessions = [db.session.get(User, seed["people"][i]).get_id() for i in range(writers)]
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(n: int):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = sessions[n]
        rng = random.Random(n)
        barrier.wait()
        for i in range(posts_each):
            parent_id, idea_id = seed["seed_ids"][rng.randrange(len(seed["seed_ids"]))]
            began = time.perf_counter()
            response = client.post(f"/comments/idea/{idea_id}", data={"text": f"Antwort {n}-{i}", "parent_id": str(parent_id)})
            took = time.perf_counter() - began
            assert response.status_code == 302, response.status_code
            with lock:
                latencies.append(took * 1000)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def open_now(app, seed: dict) -> None:
    """gunicorn runs on the real clock: an ideas phase open now."""
    from core.extensions import db
    from core.models import Project
    from core.services import add_phase

    real_now = datetime.now(UTC)
    with app.app_context():
        project = db.session.get(Project, seed["project_id"])
        add_phase(project, "ideas", "Ideen (Benchmark, jetzt)", real_now - timedelta(days=1), real_now + timedelta(days=1))
        db.session.commit()


def post_with_gunicorn(instance: Path, app, seed: dict, writers: int, posts_each: int, gunicorn_workers: int,
                       threads: int, notifications_on: bool = True) -> tuple[list[float], int, int]:
    """Replies sent over HTTP to gunicorn (as README deploys it), each telling two people; returns
    (latencies in ms, errors, notifications written)."""
    from core.extensions import db
    from core.notifications.models import Notification

    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(Notification.id)))
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    spec, chdir = ("core:create_app()", ROOT) if notifications_on else ("app_without_notifications:app", BENCH)
    # Both as the README deploys the site (core/gunicorn_conf.py), only the app differs.
    with gunicorn(spec, gunicorn_workers, threads, {"MITSPRACHE_INSTANCE": str(instance)}, chdir,
                  shipped_config=True) as server:
        clients = []
        for n in range(writers):
            client = Client(server.port)
            client.login(f"person{n}@bench.example", PASSWORD)
            clients.append((client, client.csrf("/notifications")))
        barrier = threading.Barrier(writers)

        def writer(n: int) -> None:
            nonlocal errors
            client, token = clients[n]
            rng = random.Random(100 + n)
            barrier.wait()
            for i in range(-3, posts_each):  # three untimed first: every gunicorn worker warms up
                parent_id, idea_id = seed["seed_ids"][rng.randrange(len(seed["seed_ids"]))]
                began = time.perf_counter()
                status, _body = client.request("POST", f"/comments/idea/{idea_id}", {
                    "csrf_token": token, "text": f"Antwort über HTTP {n}-{i}", "parent_id": str(parent_id)})
                took = (time.perf_counter() - began) * 1000
                if i < 0:
                    continue
                with lock:
                    if status == 302:
                        latencies.append(took)
                    else:
                        errors += 1

        threads_ = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
    with app.app_context():
        written = db.session.scalar(db.select(db.func.count(Notification.id))) - before
    return latencies, errors, written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--posts", type=int, default=10, help="replies per writer, round and row")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds with and without notifications")
    parser.add_argument("--http-posts", type=int, default=50, help="replies per writer over HTTP (gunicorn)")
    parser.add_argument("--workers-gunicorn", type=int, default=2 * (os.cpu_count() or 1),
                        help="gunicorn workers (README: two per core)")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    from core.clock import FrozenClock

    # The deadline day: the phase ends in three days; the digests go out the next morning at 7 (Berlin).
    day = datetime(2026, 6, 9, 6, 0, tzinfo=UTC)
    clock = FrozenClock(day)
    instance = Path(tempfile.mkdtemp(prefix="mitsprache-bench-notifications-"))
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = build(instance, port, clock)
        seeded = seed(app, args.people, args.comments, day)
        print(f"Seeded {args.people} followers and {args.comments} replies (each telling two people) "
              f"in {seeded['seed_seconds']:.1f} s ({1000 * seeded['seed_seconds'] / args.comments:.1f} ms per comment, "
              "notifications written in the same transaction)")
        clock.set(datetime(2026, 6, 10, 5, 0, tzinfo=UTC))  # 07:00 in Berlin the next morning
        done = deliver(app, sink)
        print(f"Worker at the digest hour: {done['notifications']} notifications waiting, "
              f"{done['reminders']} reminders written in {done['reminder_s']:.2f} s, {done['digests']} digests built in "
              f"{done['build_s']:.2f} s, {done['sent']} e-mails sent ({done['received']} received, {done['mb']:.1f} MB) "
              f"in {done['send_s']:.2f} s")
        ok = done["total_s"] < 60 and done["sent"] == done["received"] == args.people
        print(f"Worker time: {done['total_s']:.1f} s (target < 60 s) -> {'OK' if ok else 'MISSED'}")

        from plugins.comments import notifications as comment_notifications

        original = comment_notifications.prepare_comment
        rows: dict[str, list[float]] = {"notifications on": [], "notifications off": []}
        post_replies(app, seeded, args.writers, 5)  # warm up
        # Rounds alternate, so a busy moment of the machine hits both rows alike.
        for _round in range(args.rounds):
            for label in rows:
                if label == "notifications off":
                    comment_notifications.prepare_comment = lambda *a, **k: (lambda: None)
                try:
                    rows[label] += post_replies(app, seeded, args.writers, args.posts)
                finally:
                    comment_notifications.prepare_comment = original
        print(f"Posting a reply in-process (Flask test client), {args.writers} writer threads, "
              f"{len(rows['notifications on'])} replies per row, load average {os.getloadavg()[0]:.1f}:")
        for label, latencies in rows.items():
            print(f"  {label:18} p50 {statistics.median(latencies):6.1f} ms   p99 {percentile(latencies, 0.99):6.1f} ms")
        extra = statistics.median(rows["notifications on"]) - statistics.median(rows["notifications off"])
        print(f"  notifications add {extra:.1f} ms at the median (each reply tells two people; "
              "bench/commenting.py: posting p99 target 50 ms with gunicorn)")

        open_now(app, seeded)
        http: dict[bool, list] = {True: [[], 0, 0], False: [[], 0, 0]}
        for _round in range(2):  # alternating, as above
            for on in (True, False):
                latencies, errors, written = post_with_gunicorn(instance, app, seeded, 8, args.http_posts,
                                                                args.workers_gunicorn, args.threads, on)
                http[on][0] += latencies
                http[on][1] += errors
                http[on][2] += written
        print(f"Posting a reply over HTTP to gunicorn ({args.workers_gunicorn} workers x {args.threads} threads, SQLite, "
              f"as README deploys it), 8 writers in a closed loop (saturated), load average {os.getloadavg()[0]:.1f}:")
        for on in (True, False):
            latencies, errors, written = http[on]
            print(f"  {'notifications on' if on else 'notifications off':18} p50 {statistics.median(latencies):6.1f} ms   "
                  f"p99 {percentile(latencies, 0.99):6.1f} ms   {len(latencies)} replies, {errors} errors, "
                  f"{written} notifications written")
        on_p99, off_p99 = percentile(http[True][0], 0.99), percentile(http[False][0], 0.99)
        http_ok = http[True][1] == 0 and on_p99 < max(50.0, off_p99 * 1.2)
        print(f"  with notifications p99 {on_p99:.1f} ms against {off_p99:.1f} ms without (bench/commenting.py's target: "
              f"p99 under 50 ms) -> {'OK' if http_ok else 'MISSED'}")
        return 0  # the figures are the result (as in bench/commenting.py); MISSED lines say what to look at
    finally:
        controller.stop()
        if args.keep:
            print(f"Instance kept in {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
