"""Write storm: 50 people post 40 comments and replies each at once while a gunicorn worker is killed.

Run ``.venv/bin/python bench/storm.py`` (SQLite) or
``.venv/bin/python bench/storm.py --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres``.
It checks the promise a consultation makes on its busiest day: every comment
that was accepted is stored once, exactly as its author wrote it, under their
name, whatever the load. It

1. deploys like the README: a fresh instance folder with its ``config.toml``
   (``base_url``, the comments and commenting plugins), ``mitsprache init`` and
   ``mitsprache db upgrade``, a project, a commenting phase and a document
   imported from Markdown through the ``mitsprache`` command line; the 50
   accounts are created through the app (50 command-line starts would take a
   minute). On PostgreSQL everything goes into a fresh database on the
   server ``--database`` names, dropped at the end unless ``--keep``;
2. serves it with ``gunicorn --preload --workers 4 --threads 2 'core:create_app()'``;
3. logs in 50 clients (threads, each with its own session and CSRF token) and
   lets each send 40 posts as a browser without JavaScript does (form post,
   redirect answer): new comments on the document's paragraphs and replies to
   its own earlier comments, each text unique and recognisable, with
   markup-special characters, links, umlauts and emoji, so a sanitizer that
   mixes or cuts texts shows;
4. kills one worker with SIGKILL when half of the posts are done (gunicorn
   starts a new one). Requests on that worker's connections fail with a
   connection error: they are counted apart, and each is sent once more with
   the same one-time form token, as a person pressing "send" again would, so
   the token must keep it from being stored twice;
5. compares the database with what was sent: each stored comment must have
   exactly the author, parent and text sent, and exactly the HTML that
   ``core.sanitize.text_to_html`` makes of that text in a single thread here.

Printed: accepted (2xx/3xx answers), stored, corrupted (wrong text, HTML,
author or parent, or a comment nobody sent), duplicated (one post stored
twice), lost (accepted but not stored), answers pointing at another comment,
other 4xx answers, 5xx answers and connection errors. The exit code is 1 when
corrupted, duplicated, lost, misdirected or 5xx is not 0.

Rate limits are switched off for the run (``ratelimit_enabled = false`` in
config.toml): the limits on posting are per account and would stop a client
after ten posts a minute; the storm measures integrity, not the limits. The
50 logins come from one address too, which the per-address login limit is
meant to slow down.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import CSRF_RE, Client, Server, bench_app, dispose, free_port, mitsprache, postgres_database

PASSWORD = "storm-password"
SLUG = "sturm"
DRAFT = """# Entwurf für den Sturm

Worum es geht.

## Mobilität

Die Stadt will den Anteil des Umweltverbunds deutlich erhöhen.

Busse sollen häufiger fahren.

## Grün

Mehr Bäume in jeder Straße.

Parks bleiben nachts offen.
"""


def text_for(client: int, n: int) -> str:
    """A post nobody else sends, with everything a sanitizer could mangle."""
    return (f"Sturm {client:02d}-{n:02d}: Bänke & Bäume <b>fett</b> \"zitiert\" 'einfach' "
            f"<script>alert({client})</script> "
            f"https://example.org/sturm/{client}/{n}?a=1&b=2 Grüße ✓ 🌍\n\n"
            f"Zweiter Absatz {client}-{n} <head><body>x</body> www.example.org/{client}-{n} 1 < 2 > 0")


# ---------------------------------------------------------------------------
# Deployment
# ---------------------------------------------------------------------------


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def deploy(instance: Path, port: int, database: str | None, clients: int) -> tuple[dict, list[int], dict[int, int]]:
    """Set up the instance; returns (environment, paragraph ids, client number -> user id)."""
    settings = {
        "secret_key": secrets.token_urlsafe(48),
        "base_url": f"http://127.0.0.1:{port}",
        "plugins": ["comments", "commenting"],
        "ratelimit_enabled": False,
    }
    if database:
        settings["database_url"] = database
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.toml").write_text(
        "".join(f"{key} = {toml_value(value)}\n" for key, value in settings.items()), encoding="utf-8")
    env = {"MITSPRACHE_INSTANCE": str(instance)}
    mitsprache(env, "init")
    mitsprache(env, "db", "upgrade")
    start = datetime.now(UTC) - timedelta(days=1)
    mitsprache(env, "project", "create", SLUG, "--title", "Sturmprobe")
    mitsprache(env, "phase", "add", SLUG, "--kind", "commenting", "--title", "Kommentierung",
               "--start", start.isoformat(timespec="minutes"),
               "--end", (start + timedelta(days=7)).isoformat(timespec="minutes"))
    draft = instance / "entwurf.md"
    draft.write_text(DRAFT, encoding="utf-8")
    mitsprache(env, "commenting", "import", SLUG, str(draft))

    from core.extensions import db
    from core.models import Project
    from core.services import create_user
    from plugins.commenting.models import Paragraph

    app = bench_app(instance)
    with app.app_context():
        users = {n: create_user(f"sturm{n}@example.org", PASSWORD, f"Sturm {n}") for n in range(clients)}
        db.session.commit()
        project = db.session.scalar(db.select(Project).where(Project.slug == SLUG))
        paragraphs = list(db.session.scalars(
            db.select(Paragraph.id).where(Paragraph.project_id == project.id).order_by(Paragraph.id)))
        user_ids = {n: user.id for n, user in users.items()}
    dispose(app)
    return env, paragraphs, user_ids


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------


def log_in(client: Client, email: str, page: str) -> str:
    """Log in through the form; returns the CSRF token of ``page`` for the posts."""
    client.login(email, PASSWORD)
    token = client.csrf(page)
    client.freeze()
    return token


@dataclass
class Post:
    client: int
    n: int
    text: str
    token: str
    paragraph: int
    parent: int | None
    status: int = 0          # 0: no answer (connection error on both tries)
    answered_id: int | None = None
    connection_errors: int = 0


@dataclass
class Storm:
    posts: list[Post] = field(default_factory=list)
    done: int = 0
    killed: str = ""
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(client: Client, csrf: str, post: Post) -> None:
    """Post once; after a connection error once more with the same one-time token."""
    form = {"csrf_token": csrf, "text": post.text, "token": post.token}
    if post.parent:
        form["parent_id"] = str(post.parent)
    for _attempt in range(2):
        try:
            status, _body = client.request("POST", f"/comments/paragraph/{post.paragraph}", form)
            location = client.headers.get("location", "")
        except (OSError, http.client.HTTPException):
            post.connection_errors += 1
            client.reconnect()
            continue
        post.status = status
        found = re.search(r"#comment-(\d+)$", location)
        post.answered_id = int(found.group(1)) if found else None
        return


def storm(gunicorn: Server, paragraphs: list[int], users: dict[int, int], writes: int, kill_after: float) -> Storm:
    result = Storm()
    clients = []
    for n in users:
        client = Client(gunicorn.port)
        csrf = log_in(client, f"sturm{n}@example.org", f"/comments/paragraph/{paragraphs[0]}")
        clients.append((n, client, csrf))
    total = len(clients) * writes
    gate = threading.Barrier(len(clients) + 1)

    def person(n: int, client: Client, csrf: str) -> None:
        own: list[tuple[int, int]] = []  # this person's top-level comments: (id, paragraph)
        gate.wait()
        for i in range(writes):
            if i % 3 == 2 and own:
                parent, paragraph = own[-1]
            else:
                parent, paragraph = None, paragraphs[(n + i) % len(paragraphs)]
            post = Post(n, i, text_for(n, i), str(uuid.uuid4()), paragraph, parent)
            send(client, csrf, post)
            if parent is None and post.answered_id and 200 <= post.status < 400:
                own.append((post.answered_id, paragraph))
            with result.lock:
                result.posts.append(post)
                result.done += 1

    def killer() -> None:
        while result.done < total * kill_after:
            time.sleep(0.005)
        victim = gunicorn.workers()[0]
        os.kill(victim, signal.SIGKILL)
        result.killed = f"worker {victim} killed with SIGKILL after {result.done} of {total} posts"

    threads = [threading.Thread(target=person, args=c) for c in clients] + [threading.Thread(target=killer)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    return result


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------


def check(instance: Path, result: Storm, users: dict[int, int]) -> dict[str, int]:
    """Compare every stored comment with what was sent (HTML made here, in one thread)."""
    from core.sanitize import text_to_html

    by_token = {post.token: post for post in result.posts}
    by_text = {(users[post.client], post.text): post for post in result.posts}
    expected_html = {post.token: str(text_to_html(post.text)) for post in result.posts}
    from core.extensions import db
    from plugins.comments.models import Comment

    app = bench_app(instance)
    with app.app_context():
        rows = db.session.execute(db.select(
            Comment.id, Comment.submit_token, Comment.author_id, Comment.parent_id, Comment.text, Comment.html,
        )).all()
    dispose(app)
    corrupted, stored_ids, per_post = [], {}, Counter()
    for row in rows:
        # Found by its one-time token, or else (a token lost on the way) by its author and text.
        post = by_token.get(row.submit_token) or by_text.get((row.author_id, row.text))
        if post is None:
            corrupted.append(f"comment {row.id}: nobody sent this (token {row.submit_token!r}): {row.text[:60]!r}")
            continue
        per_post[post.token] += 1
        stored_ids.setdefault(post.token, row.id)
        wrong = [name for name, ok in (
            ("author", row.author_id == users[post.client]),
            ("parent", row.parent_id == post.parent),
            ("text", row.text == post.text),
            ("html", row.html == expected_html[post.token]),
        ) if not ok]
        if wrong:
            corrupted.append(f"comment {row.id} of {post.client:02d}-{post.n:02d}: wrong {', '.join(wrong)}: "
                             f"{row.html[:100]!r}")
    accepted = [p for p in result.posts if 200 <= p.status < 400]
    figures = {
        "posts sent": len(result.posts),
        "accepted (2xx/3xx)": len(accepted),
        "stored": len(per_post),
        "corrupted": len(corrupted),
        "duplicated": sum(n - 1 for n in per_post.values()),
        "lost (accepted, not stored)": sum(1 for p in accepted if p.token not in per_post),
        "misdirected (answer names another comment)": sum(
            1 for p in accepted if p.answered_id is not None and stored_ids.get(p.token) not in (None, p.answered_id)),
        "4xx answers": sum(1 for p in result.posts if 400 <= p.status < 500),
        "5xx answers": sum(1 for p in result.posts if p.status >= 500),
        "connection errors": sum(p.connection_errors for p in result.posts),
        "no answer after resending": sum(1 for p in result.posts if p.status == 0),
    }
    for line in corrupted[:10]:
        print(f"  corrupted: {line}")
    statuses = Counter(p.status for p in result.posts if p.status >= 400)
    if statuses:
        print(f"  error answers by status: {dict(statuses)}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL server's URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres: the storm runs in a fresh database there (default: SQLite in the instance folder)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--writes", type=int, default=40, help="posts per client")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--kill-after", type=float, default=0.5, help="share of posts done when a worker is killed")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder (and PostgreSQL database)")
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="mitsprache-storm-"))
    name = f"mitsprache_storm_{os.getpid()}"
    postgres = bool(args.database and args.database.startswith("postgresql"))
    gunicorn = None
    try:
        with postgres_database(args.database, name, keep=args.keep) if postgres else nullcontext(args.database) as database:
            t0 = time.perf_counter()
            port = free_port()
            env, paragraphs, users = deploy(instance, port, database, args.clients)
            gunicorn = Server("core:create_app()", args.workers, args.threads, env, port=port)
            where = f"PostgreSQL (database {name})" if postgres else "SQLite (WAL)"
            print(f"Deployed in {time.perf_counter() - t0:.1f} s: {where}, instance {instance}; gunicorn --preload "
                  f"--workers {args.workers} --threads {args.threads}; {args.clients} clients x {args.writes} posts "
                  f"on {len(paragraphs)} paragraphs")
            result = storm(gunicorn, paragraphs, users, args.writes, args.kill_after)
            alive = Client(port).request("GET", "/")[0]
            gunicorn.stop()
            gunicorn = None
            print(f"{result.killed}; {len(result.posts)} posts in {result.elapsed:.1f} s "
                  f"({len(result.posts) / result.elapsed:.0f}/s); site answers afterwards: HTTP {alive}")
            figures = check(instance, result, users)
        width = max(len(name) for name in figures)
        for name, value in figures.items():
            print(f"{name:{width}}  {value}")
        accepted_stored = figures["lost (accepted, not stored)"] == 0
        print(f"every accepted post stored: {'yes' if accepted_stored else 'NO'}; connection errors are requests on "
              f"the killed worker's connections (each resent once with the same form token), not failures")
        bad = [name for name in ("corrupted", "duplicated", "lost (accepted, not stored)",
                                 "misdirected (answer names another comment)", "5xx answers") if figures[name]]
        print("OK" if not bad else f"FAILED: {', '.join(bad)}")
        return 1 if bad else 0
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if args.keep:
            print(f"kept {instance}" + (f" and database {name}" if postgres else ""))
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
