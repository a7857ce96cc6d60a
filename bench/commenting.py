"""Benchmark of the city's headline use case: a draft with 100 paragraphs and 5,000 comments.

Run ``make bench`` (or ``.venv/bin/python bench/commenting.py --help``). It

1. seeds a fresh SQLite instance (the embedded default: WAL mode, busy timeout)
   with 500 users and a document whose one chapter has 100 paragraphs and
   5,000 comments (1,000 on the busiest paragraph, a third of them replies);
2. serves it with gunicorn, and a minimal Flask app with the same settings;
3. drives both from this process over loopback and prints requests per second
   and latency percentiles for: the minimal app, the chapter page (anonymous and
   logged in), the busiest paragraph's thread (anonymous and logged in), and
   posting comments with 8 concurrent writers, twice: like a browser with
   JavaScript (htmx headers ``HX-Request``/``HX-Target``/``HX-Current-URL``/``HX-Trigger``,
   the CSRF header, the form's one-time token taken from the previous answer; the
   answer is the whole of it) and like one without (a plain POST answered by a
   redirect, which is then followed untimed); after each it checks that every
   accepted comment was stored (none lost).

The load generator is Python threads with keep-alive connections; it shares the
machine's cores with the server, equally for both apps, so compare the ratios
rather than the absolute numbers. Targets (issue 3): anonymous chapter page at
least 1/10 of the minimal app's throughput, logged in at least 1/30, posting
p99 under 100 ms with no error and no lost comment.

gunicorn settings (``--workers``/``--threads``, printed with the results): the default
is two workers per core with 2 threads each (4 x 2 on the 2-core reference machine),
as the README recommends for deployment. Measured on that machine (2026-11-24, p99 of
800 posts per row, two runs each):

* 4 x 2 against 2 x 4: posting p99 with htmx, 8 at the same instant, 57-65 ms against
  75-97 ms; saturated closed loop 72-107 ms against 127-132 ms; reads about the same.
  Fewer threads per process means less waiting for a GIL shared with other requests'
  rendering, while every write holds SQLite's lock for well under a millisecond
  (INSERT + version UPDATE + COMMIT, WAL with synchronous=NORMAL, no fsync per commit).
* 8 x 1: like 4 x 2 for posting, lower logged-in throughput.
* 1 x 8 (the single process in which ``core/sqlite_gate.py`` queues every writer):
  clearly worse (htmx p50 ~115 ms).
* A cross-process gate (``flock`` polled every 0.2 ms, to spare writers SQLite's busy
  handler sleeps between processes) made no measurable difference, so it was not kept.

Profiling a page: run with ``--keep`` and profile the app in-process against the kept
instance, e.g.::

    import cProfile
    from core import create_app
    app = create_app(instance_path=Path("/tmp/mitsprache-bench-…"))
    client = app.test_client()
    client.get("/comments/paragraph/1")          # warm up (templates, caches)
    cProfile.run('for _ in range(20): client.get("/comments/paragraph/1")', sort="cumulative")

(anonymous pages are cached after the first request: profile a cold rendering by
clearing ``core.cache.cache`` between requests, or log in first.)
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"
CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrf_token" type="hidden" value="([^"]+)"')


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


def seed(instance: Path, users: int, paragraphs: int, comments: int, busy: int) -> dict:
    """Fill a new instance; returns the URLs and ids the scenarios need."""
    from core import create_app
    from core.app import create_all_tables
    from core.clock import now
    from core.config import write_config
    from core.extensions import db
    from core.models import User
    from core.services import add_phase, create_project
    from plugins.comments.api import add_comment
    from plugins.commenting import services as commenting

    # One loopback address plays 500 people here, so the per-address login limit is off.
    write_config(instance, plugins=["comments", "commenting"], default_locale="de", ratelimit_enabled=False,
                 environment="development")
    # Bench users get a cheap hash: 500 scrypt hashes would take over a minute to seed.
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, instance_path=instance, startup_checks=False)
    with app.app_context():
        create_all_tables()  # as `mitsprache db upgrade` does before a deployment starts
        people = []
        for i in range(users):
            user = User(email=f"user{i}@bench.example", display_name=f"Person {i}", email_confirmed_at=now())
            user.set_password(PASSWORD)
            people.append(user)
        db.session.add_all(people)
        db.session.flush()
        project = create_project("strategie", "Strategie 2030 (Benchmark)", "<p>Entwurf</p>")
        start = now() - timedelta(days=1)
        add_phase(project, "commenting", "Kommentierung", start, start + timedelta(days=12))
        document = commenting.create_document(project, "Strategie 2030")
        chapter = commenting.add_chapter(document, "Kapitel 1: Mobilität")
        paras = [
            commenting.add_paragraph(chapter, f"<p>Absatz {i + 1}: Die Stadt will bis 2030 den Anteil des Umweltverbunds "
                                              f"deutlich erhöhen und dafür Maßnahmen in allen Stadtteilen umsetzen.</p>")
            for i in range(paragraphs)
        ]
        db.session.flush()
        busy_paragraph = paras[0]
        made = []
        for i in range(comments):
            target = busy_paragraph if i < busy else paras[1 + (i % (paragraphs - 1))]
            siblings = [c for c in made[-30:] if c.target_id == target.id and c.parent_id is None]
            parent = siblings[-1] if (i % 3 == 2 and siblings) else None
            made.append(add_comment("paragraph", target.id, project, people[i % users],
                                    f"Kommentar {i}: Ich finde, hier fehlt ein konkreter Zeitplan.", parent=parent))
            if i % 1000 == 999:
                db.session.commit()
                made = made[-30:]
        db.session.commit()
        return {
            "chapter": f"/p/strategie/documents/chapter/{chapter.id}",
            "thread": f"/comments/paragraph/{busy_paragraph.id}",
            "post": f"/comments/paragraph/{paras[1].id}",
            "post_followup": f"/comments/paragraph/{paras[1].id}",
            "paragraph_id": paras[1].id,
        }


def count_comments(instance: Path) -> int:
    from core import create_app
    from core.extensions import db
    from plugins.comments.models import Comment

    app = create_app(instance_path=instance)
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Comment.id)))


# ---------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, workers: int, threads: int, env: dict, chdir: Path):
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers), "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--preload", "--chdir", str(chdir), app_spec,
    ]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {' '.join(command)}")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)


# ---------------------------------------------------------------------------
# Load generation
# ---------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP client with a cookie jar of one: the Flask session."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, text

    def csrf(self, path: str) -> str:
        _status, page = self.request("GET", path)
        match = CSRF_RE.search(page)
        return next(g for g in match.groups() if g)

    def login(self, email: str) -> None:
        token = self.csrf("/login")
        status, _ = self.request("POST", "/login", {"csrf_token": token, "email": email, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login failed for {email}: {status}")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def row(self) -> str:
        return (f"{self.name:44} {self.rps:8.1f} {self.pct(0.5):8.1f} {self.pct(0.9):8.1f} "
                f"{self.pct(0.99):8.1f} {len(self.latencies):7d} {self.errors:6d}")


def run_load(name: str, port: int, path: str, concurrency: int, duration: float, login_as: list[str] | None = None) -> Result:
    """``concurrency`` threads GET ``path`` until ``duration`` seconds have passed."""
    result = Result(name)
    lock = threading.Lock()
    clients = [Client(port) for _ in range(concurrency)]
    for i, client in enumerate(clients):
        if login_as:
            client.login(login_as[i])
        client.request("GET", path)  # warm the connection and caches
    start_gate = threading.Barrier(concurrency + 1)
    stop_at = [0.0]

    def worker(client: Client):
        local, errors = [], 0
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (OSError, http.client.HTTPException):
                status = 0
                client.conn.close()
            if status == 200:
                local.append(time.perf_counter() - t0)
            else:
                errors += 1
        with lock:
            result.latencies.extend(local)
            result.errors += errors

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + duration
    start_gate.wait()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - began
    return result


TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


def run_posting(port: int, writers: int, posts_each: int, paths: dict, emails: list[str], *, htmx: bool,
                pause: float = 0.0) -> Result:
    """``writers`` logged-in users post ``posts_each`` top-level comments each, all at once.

    ``pause`` 0: a closed loop, each writer posts again the moment its answer arrives, which
    saturates this 2-core machine (server and load generator share it) and so measures queueing
    for CPU as much as the server. ``pause`` > 0: rounds: all writers send at the same instant
    (8 requests in flight together), wait for their answers, then rest ``pause`` seconds: the
    latency of 8 truly concurrent writers without a standing queue.

    ``htmx``: like a browser with JavaScript: the discussion widget is loaded into the chapter page,
    the form is sent with htmx's request headers (and the CSRF header from ``<body hx-headers>``),
    the answer (a fresh form, the new comment out of band) is the end of it and its fresh one-time
    token is used for the next comment. Otherwise like a browser without JavaScript: a plain POST,
    answered with a redirect that is then followed (untimed; it also consumes the flashed message).
    """
    name = f"post, htmx ({writers} concurrent writers)" if htmx else f"post, no JS, redirect followed ({writers} writers)"
    if pause:
        name = f"post, htmx, {writers} at the same instant, rounds" if htmx else f"post, no JS, {writers} at once, rounds"
    result = Result(name)
    lock = threading.Lock()
    clients = [Client(port) for _ in range(writers)]
    post, dom = paths["post"], f"comments-paragraph-{paths['paragraph_id']}"
    page_url = f"http://127.0.0.1:{port}{paths['chapter']}"
    hx = {"HX-Request": "true", "HX-Current-URL": page_url}
    sessions = []
    for client, email in zip(clients, emails):
        client.login(email)
        csrf = client.csrf(paths["chapter"])
        token = None
        if htmx:  # the chapter page loads the discussion widget into itself
            _status, widget = client.request("GET", post, headers={**hx, "HX-Target": f"d-{paths['paragraph_id']}"})
            token = TOKEN_RE.search(widget).group(1)
        sessions.append((client, csrf, token))
    gate = threading.Barrier(writers + 1)
    round_gate = threading.Barrier(writers)
    unexpected = []

    def writer(client: Client, csrf: str, token: str | None, n: int):
        local, errors = [], 0
        gate.wait()
        for i in range(posts_each):
            if pause:
                round_gate.wait()  # every writer sends at the same instant
            form = {"csrf_token": csrf, "text": f"Benchmark-Kommentar {n}-{i}"}
            headers = None
            if htmx:
                form.update(token=token, shown="newest:1")
                headers = {**hx, "HX-Target": f"{dom}-form", "HX-Trigger": f"{dom}-form", "X-CSRFToken": csrf}
            else:
                form["token"] = str(uuid.uuid4())
            t0 = time.perf_counter()
            try:
                status, body = client.request("POST", post, form, headers)
            except (OSError, http.client.HTTPException):
                status, body = 0, ""
                client.conn.close()
            elapsed = time.perf_counter() - t0
            if htmx and status == 200:
                local.append(elapsed)
                fresh = TOKEN_RE.search(body)
                if fresh is None or fresh.group(1) == token or 'hx-swap-oob="afterbegin:' not in body:
                    unexpected.append(body[:200])
                token = fresh.group(1) if fresh else str(uuid.uuid4())
            elif not htmx and status in (302, 303):
                local.append(elapsed)
                # Like a browser without JavaScript: follow the redirect (untimed), which also
                # consumes the "comment published" message instead of piling it up in the session.
                client.request("GET", paths["post_followup"])
            else:
                errors += 1
            if pause:
                time.sleep(pause)
        with lock:
            result.latencies.extend(local)
            result.errors += errors

    threads = [threading.Thread(target=writer, args=(c, csrf, token, n))
               for n, (c, csrf, token) in enumerate(sessions)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    gate.wait()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - began
    if unexpected:
        print(f"warning: {len(unexpected)} htmx answers were not the small one (new comment + fresh form): "
              f"{unexpected[0]!r}", file=sys.stderr)
    return result


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per read scenario")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads per read scenario")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=100)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--busy", type=int, default=1000, help="comments on the busiest paragraph")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--posts", type=int, default=100, help="comments per writer (800 posts: a steadier p99)")
    parser.add_argument("--round-pause", type=float, default=0.3,
                        help="seconds between rounds in the 'at the same instant' posting scenarios")
    parser.add_argument("--keep", action="store_true", help="keep the seeded instance folder")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="mitsprache-bench-"))
    try:
        t0 = time.perf_counter()
        paths = seed(instance, args.users, args.paragraphs, args.comments, args.busy)
        before = count_comments(instance)
        print(f"Seeded {args.users} users, {args.paragraphs} paragraphs, {before} comments "
              f"({args.busy} on the busiest paragraph) in {time.perf_counter() - t0:.1f} s; instance {instance}")
        print(f"gunicorn: {args.workers} workers x {args.threads} threads (gthread); client: {args.concurrency} "
              f"keep-alive threads, {args.duration:.0f} s per scenario; Python {sys.version.split()[0]}, {os.cpu_count()} cores")
        env = {"MITSPRACHE_INSTANCE": str(instance)}
        emails = [f"user{i}@bench.example" for i in range(max(args.concurrency, args.writers))]
        results = []
        with gunicorn("minimal_app:app", args.workers, args.threads, env, ROOT / "bench") as port:
            results.append(run_load("minimal Flask app", port, "/", args.concurrency, args.duration))
        with gunicorn("core:create_app()", args.workers, args.threads, env, ROOT) as port:
            results.append(run_load("chapter page, 100 paragraphs (anonymous)", port, paths["chapter"], args.concurrency, args.duration))
            results.append(run_load("chapter page, 100 paragraphs (logged in)", port, paths["chapter"], args.concurrency, args.duration, emails))
            results.append(run_load(f"busiest paragraph's thread ({args.busy} comments)", port, paths["thread"], args.concurrency, args.duration))
            results.append(run_load(f"busiest paragraph's thread (logged in)", port, paths["thread"], args.concurrency,
                                    args.duration, emails))
            postings = []
            for htmx, pause in ((True, 0.0), (False, 0.0), (True, args.round_pause), (False, args.round_pause)):
                stored_before = count_comments(instance)
                posting = run_posting(port, args.writers, args.posts, paths, emails, htmx=htmx, pause=pause)
                postings.append((posting, count_comments(instance) - stored_before))
                results.append(posting)

        print()
        print(f"{'scenario':44} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'count':>7} {'errors':>6}")
        for r in results:
            print(r.row())
        minimal, anon, logged_in = results[0].rps, results[1].rps, results[2].rps
        print()
        print(f"anonymous chapter page: 1/{minimal / anon:.1f} of the minimal app (target: at least 1/10) "
              f"{'OK' if anon * 10 >= minimal else 'MISSED'}")
        print(f"logged-in chapter page: 1/{minimal / logged_in:.1f} of the minimal app (target: at least 1/30) "
              f"{'OK' if logged_in * 30 >= minimal else 'MISSED'}")
        for posting, stored in postings:
            ok = posting.pct(0.99) < 100 and posting.errors == 0 and stored == len(posting.latencies)
            label = ("posting (htmx" if "htmx" in posting.name else "posting (no JS") + (
                ", rounds of 8 at once)" if "rounds" in posting.name else ", closed loop, saturated)")
            print(f"{label}: p99 {posting.pct(0.99):.1f} ms (target: under 100 ms), {posting.errors} errors, "
                  f"{len(posting.latencies)} accepted, {stored} stored, lost: {len(posting.latencies) - stored} "
                  f"{'OK' if ok else 'MISSED'}")
        print(f"settings: gunicorn --workers {args.workers} --threads {args.threads} (gthread), SQLite (WAL)")
        return 0
    finally:
        if args.keep:
            print(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
