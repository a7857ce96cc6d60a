"""Benchmark of the city's headline use case: a draft with 100 paragraphs and 5,000 comments.

Run ``make bench`` (or ``.venv/bin/python bench/commenting.py --help``). It

1. seeds a fresh SQLite instance (the embedded default: WAL mode, busy timeout)
   with 500 users and a document whose one chapter has 100 paragraphs and
   5,000 comments (1,000 on the busiest paragraph, a third of them replies);
2. serves it with gunicorn, and the minimal Flask app of ``bench/minimal_app.py``
   with the same settings (4 workers x 2 threads on the 2-core reference machine,
   as the README deploys it);
3. drives both with wrk (8 connections) and prints, for each read scenario,
   Mitsprache's requests per second as a fraction of the minimal app's, next to
   the target: the chapter page anonymous, the same with its ETag (answered 304
   Not Modified), logged in, and the busiest paragraph's thread (its first page,
   replies on demand) anonymous and logged in;
4. posts comments with 8 concurrent writers, like a browser with JavaScript (htmx
   headers, the form's one-time token taken from the previous answer), all 8 at
   the same instant in rounds, and like one without (plain POST, redirect
   followed untimed) in a closed loop; every text is unique, so counting the rows
   afterwards shows any comment lost or stored twice;
5. prints the resident memory of each gunicorn worker after the run;
6. measures, around every scenario, the CPU the workers, the clients and the
   whole machine spent per request, and prints for a missed target the gap in
   those terms: the CPU a page may cost at the target ratio, or the least time
   the simultaneous posts can take on this machine's cores.

wrk and the server share the machine's cores, equally for both apps: compare the
ratios, not the absolute numbers. Targets: anonymous chapter >= 1/4 of the minimal
app, 304 >= 1/2, logged-in chapter >= 1/8, busiest thread logged in >= 1/16,
posting p99 < 50 ms with 8 writers and nothing lost or duplicated, < 150 MB
resident per worker. ``bench/scale.py`` runs the same scenarios on PostgreSQL
and Redis with several app processes.

Profiling a page: run with ``--keep`` and profile the app in-process against the
kept instance, e.g.::

    import cProfile
    from core import create_app
    app = create_app(instance_path=Path("/tmp/mitsprache-bench-…"))
    client = app.test_client()
    client.get("/comments/paragraph/1")          # warm up (templates, caches)
    cProfile.run('for _ in range(50): client.get("/comments/paragraph/1")', sort="cumulative")

(anonymous pages are cached after the first request: log in first, or clear
``core.cache.cache`` between requests, to profile a rendering.)
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Callable

from harness import (
    ROOT,
    Client,
    Load,
    Writes,
    bench_app,
    cpu_used,
    dispose,
    gunicorn,
    machine,
    require_wrk,
    rss_per_worker,
    run_wrk,
    run_writers,
)

PASSWORD = "bench-password"
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
RSS_LIMIT_MB = 150


# ---------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------


def seed(instance: Path, users: int, paragraphs: int, comments: int, busy: int, **settings) -> dict:
    """Fill a new instance (``settings`` go into its config.toml); returns the URLs and ids the scenarios need."""
    from core.app import create_all_tables
    from core.clock import now
    from core.config import write_config
    from core.extensions import db
    from core.models import User
    from core.services import add_phase, create_project
    from plugins.comments.api import add_comment
    from plugins.commenting import services as commenting

    # One loopback address plays 500 people here, so the per-address login limit is off.
    write_config(instance, **{"plugins": ["comments", "commenting"], "default_locale": "de", "ratelimit_enabled": False,
                              "environment": "development", **settings})
    app = bench_app(instance)
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
        paths = {
            "chapter": f"/p/strategie/documents/chapter/{chapter.id}",
            "thread": f"/comments/paragraph/{busy_paragraph.id}",
            "post": f"/comments/paragraph/{paras[1].id}",
            "paragraph_id": paras[1].id,
        }
    dispose(app)
    return paths


def stored_texts(instance: Path, prefix: str) -> dict[str, int]:
    """How often each comment text starting with ``prefix`` is stored."""
    from core.extensions import db
    from plugins.comments.models import Comment

    app = bench_app(instance)
    with app.app_context():
        rows = db.session.execute(db.select(Comment.text, db.func.count(Comment.id))
                                  .where(Comment.text.startswith(prefix)).group_by(Comment.text)).all()
    dispose(app)
    return {text: n for text, n in rows}


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def session_cookies(port: int, emails: list[str]) -> list[str]:
    """Log each person in; their session cookies, for wrk's threads."""
    cookies = []
    for email in emails:
        client = Client(port)
        client.login(email, PASSWORD)
        cookies.append(client.cookie)
    return cookies


def conditional(name: str, ports: list[int], path: str, duration: float, connections: int, threads: int) -> Load:
    """The page asked again with the ETag of its last answer: 304 Not Modified, when the site sends ETags."""
    probe = Client(ports[0])
    _status, _body = probe.request("GET", path)
    etag = probe.headers.get("etag")
    if not etag:
        return Load(name, available=False, note="(the page sends no ETag)")
    status, _body = probe.request("GET", path, headers={"If-None-Match": etag})
    if status != 304:
        return Load(name, available=False, note=f"(If-None-Match answered {status}, not 304)")
    return run_wrk(name, ports, path, duration=duration, connections=connections, threads=threads,
                   headers={"If-None-Match": etag}, expect=304)


def measured(servers: list | None, scenario: Callable[[], Load | Writes]) -> Load | Writes:
    """Run ``scenario``; with ``servers``, note the CPU their workers and this process spent on it."""
    if not servers:
        return scenario()
    with cpu_used(servers) as cpu:
        result = scenario()
    result.cpu = cpu
    return result


def reads(ports: list[int], paths: dict, *, duration: float, connections: int, threads: int, users: list[str],
          busy: int, servers: list | None = None) -> list[Load]:
    """The read scenarios against Mitsprache served on ``ports`` (with ``servers``: and their CPU cost)."""
    cookies = session_cookies(ports[0], users)
    options = {"duration": duration, "connections": connections, "threads": threads}
    scenarios = [
        lambda: run_wrk("chapter page, 100 paragraphs (anonymous)", ports, paths["chapter"], **options),
        lambda: conditional("chapter page, anonymous, ETag -> 304", ports, paths["chapter"], **options),
        lambda: run_wrk("chapter page, 100 paragraphs (logged in)", ports, paths["chapter"], cookies=cookies,
                        **options),
        lambda: run_wrk(f"busiest thread, {busy} comments (anonymous)", ports, paths["thread"], **options),
        lambda: run_wrk(f"busiest thread, {busy} comments (logged in)", ports, paths["thread"], cookies=cookies,
                        **options),
    ]
    return [measured(servers, scenario) for scenario in scenarios]


def posting(ports: list[int], paths: dict, emails: list[str], posts: int, *, htmx: bool, pause: float,
            run: str, servers: list | None = None) -> Writes:
    """``len(emails)`` logged-in people post ``posts`` top-level comments each, spread over ``ports``.

    ``htmx``: like a browser with JavaScript: the discussion widget is loaded into the chapter page,
    the form is sent with htmx's request headers (and the CSRF header), the answer (the new comment
    and a fresh form) ends it, and its fresh one-time token is used next. Otherwise like a browser
    without JavaScript: a plain POST answered with a redirect, which is then followed (untimed; it
    also takes the flashed message out of the session). Texts start with ``run``, so the rows can
    be counted afterwards.
    """
    post, dom = paths["post"], f"comments-paragraph-{paths['paragraph_id']}"
    states = []
    for n, email in enumerate(emails):
        port = ports[n % len(ports)]
        client = Client(port)
        client.login(email, PASSWORD)
        csrf = client.csrf(paths["chapter"])
        hx = {"HX-Request": "true", "HX-Current-URL": f"http://127.0.0.1:{port}{paths['chapter']}"}
        token = None
        if htmx:
            _status, widget = client.request("GET", post, headers={**hx, "HX-Target": f"d-{paths['paragraph_id']}"})
            token = TOKEN_RE.search(widget).group(1)
        states.append({"client": client, "csrf": csrf, "token": token, "hx": hx})

    def send(state: dict, n: int, i: int) -> bool:
        client = state["client"]
        form = {"csrf_token": state["csrf"], "text": f"{run} {n}-{i}"}
        if htmx:
            form.update(token=state["token"], shown="newest:1")
            headers = {**state["hx"], "HX-Target": f"{dom}-form", "HX-Trigger": f"{dom}-form",
                       "X-CSRFToken": state["csrf"]}
            status, body = client.request("POST", post, form, headers)
            fresh = TOKEN_RE.search(body)
            state["token"] = fresh.group(1) if fresh else str(uuid.uuid4())
            return status == 200
        form["token"] = str(uuid.uuid4())
        status, _body = client.request("POST", post, form)
        if status in (302, 303):
            client.request("GET", post)
            return True
        return False

    kind = "htmx" if htmx else "no JS, redirect"
    shape = f"{len(emails)} at once, rounds" if pause else f"{len(emails)} writers, closed loop"
    return measured(servers, lambda: run_writers(f"post ({kind}; {shape})", states, send, posts, pause=pause))


def integrity(result: Writes, stored: dict[str, int]) -> tuple[int, int]:
    """(lost, duplicated): accepted posts without a row, and rows beyond the first of one post."""
    duplicated = sum(n - 1 for n in stored.values())
    return max(len(result.latencies) - len(stored), 0), duplicated


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

#: Scenario -> the least fraction of the minimal app's throughput it must reach.
READ_TARGETS = {
    "chapter page, 100 paragraphs (anonymous)": 4,
    "chapter page, anonymous, ETag -> 304": 2,
    "chapter page, 100 paragraphs (logged in)": 8,
}
BUSY_THREAD_LOGGED_IN_TARGET = 16


def target_of(name: str) -> int | None:
    if name in READ_TARGETS:
        return READ_TARGETS[name]
    if name.startswith("busiest thread") and "logged in" in name:
        return BUSY_THREAD_LOGGED_IN_TARGET
    return None


def print_ratios(minimal: Load, loads: list[Load]) -> None:
    print(f"{'scenario':46} {'minimal':>9} {'Mitsprache':>10} {'ratio':>8} {'target':>8}  result")
    for load in loads:
        target = target_of(load.name)
        wanted = f"1/{target}" if target else "-"
        if not load.available:
            print(f"{load.name:46} {minimal.rps:9.0f} {'-':>10} {'-':>8} {wanted:>8}  not available {load.note}")
            continue
        ratio = minimal.rps / load.rps if load.rps else float("inf")
        verdict = "-" if target is None else ("OK" if ratio <= target and load.errors == 0 else "MISSED")
        print(f"{load.name:46} {minimal.rps:9.0f} {load.rps:10.0f} {'1/' + format(ratio, '.1f'):>8} {wanted:>8}  {verdict}")
        if verdict == "MISSED" and load.cpu and minimal.cpu and load.requests and minimal.requests:
            print("    " + read_gap(minimal, load, target))


def read_gap(minimal: Load, load: Load, target: int) -> str:
    """Why a read target is missed, in CPU per request: the workers and wrk share the cores, so a page
    served at 1/target of the minimal app's rate may cost target x (its server + wrk CPU) in all."""
    server, client = load.cpu.server * 1000 / load.requests, load.cpu.client * 1000 / load.requests
    base = (minimal.cpu.server + minimal.cpu.client) * 1000 / minimal.requests
    budget = target * base - client
    return (f"gap: a request costs Mitsprache's workers {server:.2f} ms of CPU (wrk {client:.2f} ms), the minimal "
            f"app and wrk {base:.2f} ms together; 1/{target} allows the workers about {budget:.2f} ms")


def print_writes(rows: list[tuple[Writes, int, int]], p99_target_ms: float, writers: int) -> None:
    for result, lost, duplicated in rows:
        ok = result.ms(0.99) < p99_target_ms and result.errors == 0 and lost == 0 and duplicated == 0
        print(f"{result.name}: p99 {result.ms(0.99):.1f} ms (target < {p99_target_ms:.0f} ms), "
              f"{len(result.latencies)} accepted, {result.errors} errors, lost {lost}, duplicated {duplicated}  "
              f"{'OK' if ok else 'MISSED'}")
        if result.cpu_ms():
            print("    " + result.floor(writers))


def print_memory(rss: list[float]) -> None:
    verdict = "OK" if rss and max(rss) < RSS_LIMIT_MB else "MISSED"
    print(f"resident memory per worker after the run: {', '.join(f'{mb:.0f}' for mb in rss)} MB "
          f"(target < {RSS_LIMIT_MB} MB)  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per read scenario (wrk)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections per read scenario")
    parser.add_argument("--wrk-threads", type=int, default=4, help="wrk threads (each logged in as its own person)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=100)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--busy", type=int, default=1000, help="comments on the busiest paragraph")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--posts", type=int, default=100, help="comments per writer and posting scenario")
    parser.add_argument("--round-pause", type=float, default=0.3, help="seconds between rounds of simultaneous posts")
    parser.add_argument("--keep", action="store_true", help="keep the seeded instance folder")
    args = parser.parse_args()
    require_wrk()

    instance = Path(tempfile.mkdtemp(prefix="mitsprache-bench-"))
    try:
        began = time.perf_counter()
        paths = seed(instance, args.users, args.paragraphs, args.comments, args.busy)
        print(f"Seeded {args.users} users, {args.paragraphs} paragraphs, {args.comments} comments "
              f"({args.busy} on the busiest paragraph) in {time.perf_counter() - began:.1f} s; instance {instance}")
        print(f"gunicorn --workers {args.workers} --threads {args.threads} (gthread), SQLite (WAL); wrk "
              f"-t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s; {machine()}")
        env = {"MITSPRACHE_INSTANCE": str(instance)}
        options = {"duration": args.duration, "connections": args.connections, "threads": args.wrk_threads}
        emails = [f"user{i}@bench.example" for i in range(max(args.wrk_threads, args.writers))]
        with gunicorn("minimal_app:app", args.workers, args.threads, env, ROOT / "bench") as server:
            minimal = measured([server], lambda: run_wrk("minimal Flask app", [server.port], "/", **options))
        with gunicorn("core:create_app()", args.workers, args.threads, env) as server:
            loads = reads([server.port], paths, users=emails[:args.wrk_threads], busy=args.busy, servers=[server],
                          **options)
            writes = []
            for htmx, pause in ((True, args.round_pause), (False, 0.0)):
                run = f"Bench-{uuid.uuid4().hex[:8]}"
                result = posting([server.port], paths, emails[:args.writers], args.posts, htmx=htmx, pause=pause,
                                 run=run, servers=[server])
                writes.append((result, *integrity(result, stored_texts(instance, run))))
            rss = rss_per_worker(server)

        print()
        print(Load.header())
        print(minimal.row())
        for row in [*loads, *(result for result, _lost, _dup in writes)]:
            print(row.row())
        print()
        print_ratios(minimal, loads)
        print_writes(writes, 50, args.writers)
        print_memory(rss)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        return 0  # the figures are the result; MISSED lines say what to look at
    finally:
        if args.keep:
            print(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
