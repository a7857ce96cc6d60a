"""Two app nodes over one PostgreSQL database and one Redis behave as one site.

A city scales out by starting more app processes behind its load balancer (docs/scaling.md).
That only works if nothing a person relies on lives in one process: here two real
gunicorn processes on two ports share a database, a Redis for rate limits and the page
cache, and a config.toml, and the tests switch nodes between requests, as a load
balancer without sticky sessions does:

- a person logged in through node A is logged in on node B (the session is a signed
  cookie whose id the database checks);
- failed logins spread over both nodes are counted together (Redis);
- a comment posted through A is on B's cached page at once (the cache key carries the
  versions of what the page shows, which the write bumps in the database);
- an export downloaded from A and from B is the same file.

Needs PostgreSQL on 127.0.0.1:5432 (or ``MITSPRACHE_TEST_POSTGRES_URL``, a server URL whose
user may create databases) and Redis on 127.0.0.1:6379 (``MITSPRACHE_TEST_REDIS_URL``); .ci/run
starts both, ``make test`` starts Redis. Without them the tests fail and say so.
"""
from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

from tests.helpers import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]
#: A server whose user may create databases: the PostgreSQL run's own server when there is one.
POSTGRES_URL = os.environ.get("MITSPRACHE_TEST_POSTGRES_URL") or (
    os.environ["MITSPRACHE_TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    if os.environ.get("MITSPRACHE_TEST_DATABASE_URL", "").startswith("postgresql")
    else "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("MITSPRACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "two-nodes-password"
SLUG = "zwei-knoten"
LOGIN_LIMIT = 3  # failed logins per minute for one address tried (config below)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _require_services() -> None:
    """Fail (never skip) with what to start when PostgreSQL or Redis do not answer."""
    require_redis(REDIS_URL)
    require_postgres(POSTGRES_URL)


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """One person's browser: a cookie jar shared by every node (cookies belong to the host, not the port)."""

    def __init__(self):
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())

    def get(self, url: str) -> tuple[int, bytes]:
        return self._open(Request(url))

    def post(self, url: str, form: dict) -> tuple[int, bytes]:
        return self._open(Request(url, data=urlencode(form).encode(), method="POST"))

    def _open(self, request: Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
            return answer.code, answer.read()

    def csrf(self, url: str) -> str:
        _status, page = self.get(url)
        found = re.search(rb'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
        assert found, f"no CSRF token on {url}"
        return found.group(1).decode()

    def log_in(self, node: str, email: str, password: str) -> int:
        token = self.csrf(f"{node}/login")
        status, _page = self.post(f"{node}/login", {"csrf_token": token, "email": email, "password": password})
        return status


def _write_config(instance: Path, database_url: str, base_port: int, prefix: str) -> None:
    settings = {
        "secret_key": uuid.uuid4().hex * 2,
        "base_url": f"http://127.0.0.1:{base_port}",
        "database_url": database_url,
        "plugins": ["comments", "commenting"],
        "default_locale": "en",
        "redis_url": REDIS_URL,
        "cache_type": "RedisCache",
        "cache_redis_url": REDIS_URL,
        "cache_key_prefix": f"{prefix}-cache-",
        "ratelimit_key_prefix": f"{prefix}-limits",
        "login_rate_limit": f"{LOGIN_LIMIT} per minute",
    }
    lines = [f"{key} = {_toml(value)}" for key, value in settings.items()]
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _seed(instance: Path) -> dict:
    """The schema as `mitsprache init` makes it, then people, a project open now and a short draft."""
    env = {**os.environ, "MITSPRACHE_INSTANCE": str(instance)}
    done = subprocess.run([str(Path(sys.executable).with_name("mitsprache")), "init"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr

    from core import create_app
    from core.extensions import db
    from core.services import add_phase, create_project, create_user
    from plugins.comments.api import add_comment
    from plugins.commenting import services as commenting

    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}, instance_path=instance, startup_checks=False)
    with app.app_context():
        anna = create_user("anna@example.org", PASSWORD, "Anna Two-Nodes")
        initiator = create_user("initiator@example.org", PASSWORD, "Ines Initiator")
        project = create_project(SLUG, "Zwei Knoten", "<p>Entwurf</p>", initiator=initiator)
        start = datetime.now(UTC) - timedelta(days=1)  # the nodes run on the real clock
        add_phase(project, "commenting", "Kommentierung", start, start + timedelta(days=7))
        chapter = commenting.add_chapter(commenting.create_document(project, "Entwurf"), "Kapitel 1")
        paragraph = commenting.add_paragraph(chapter, "<p>Mehr Bäume in jeder Straße.</p>")
        db.session.flush()
        add_comment("paragraph", paragraph.id, project, anna, "Ein erster Kommentar.")
        db.session.commit()
        seeded = {"paragraph": paragraph.id, "anna": anna.email, "initiator": initiator.email}
        db.session.remove()
        db.engine.dispose()
    return seeded


class Node:
    """One app process: ``gunicorn --preload core:create_app()`` on its own port, as a deployment runs it."""

    def __init__(self, instance: Path, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.log = instance / f"node-{port}.log"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [gunicorn, "--preload", "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}",
                 "--log-level", "warning", "core:create_app()"],
                env={**os.environ, "MITSPRACHE_INSTANCE": str(instance)}, cwd=ROOT, stdout=log, stderr=log)
        self._wait(port)

    def _wait(self, port: int) -> None:
        for _attempt in range(600):  # up to a minute
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return
            except OSError:
                try:
                    self.process.wait(timeout=0.1)  # pauses, and notices a node that gave up
                except subprocess.TimeoutExpired:
                    continue
                pytest.fail(f"the node on port {port} exited:\n{self.log.read_text()}")
        self.stop()
        pytest.fail(f"the node on port {port} did not answer within a minute")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """Two nodes A and B over one fresh PostgreSQL database and one Redis; yields (a, b, seeded ids)."""
    _require_services()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    prefix = f"two_nodes_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {prefix}"))
    database_url = make_url(POSTGRES_URL).set(database=prefix).render_as_string(hide_password=False)
    instance = tmp_path_factory.mktemp("two-nodes")
    port_a, port_b = _free_port(), _free_port()
    started = []
    try:
        _write_config(instance, database_url, port_a, prefix)
        seeded = _seed(instance)
        started.append(Node(instance, port_a))
        started.append(Node(instance, port_b))
        yield started[0].url, started[1].url, seeded
    finally:
        for node in started:
            node.stop()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {prefix} WITH (FORCE)"))
        admin.dispose()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):
            client.delete(key)


def test_a_session_started_on_one_node_is_valid_on_the_other(nodes):
    a, b, seeded = nodes
    browser = Browser()
    assert browser.get(f"{b}/account/participation")[0] == 302  # not logged in: to the login page
    assert browser.log_in(a, seeded["anna"], PASSWORD) == 302
    status, page = browser.get(f"{b}/account/participation")
    assert status == 200
    assert "Anna Two-Nodes" in html.unescape(page.decode())
    # Logging out on B ends the session everywhere, A included.
    token = browser.csrf(f"{b}/account/participation")
    assert browser.post(f"{b}/logout", {"csrf_token": token})[0] in (302, 303)
    assert browser.get(f"{a}/account/participation")[0] == 302


def test_failed_logins_spread_over_both_nodes_share_one_limit(nodes):
    a, b, _seeded = nodes
    browser = Browser()
    email = f"guess-{uuid.uuid4().hex[:6]}@example.org"
    answers = [browser.log_in(node, email, "wrong-password") for node in (a, b, a, b)]
    assert answers == [400] * LOGIN_LIMIT + [429]


def test_a_comment_posted_on_one_node_is_at_once_on_the_other_nodes_cached_page(nodes):
    a, b, seeded = nodes
    thread = f"/comments/paragraph/{seeded['paragraph']}"
    visitor = Browser()
    status, before = visitor.get(f"{b}{thread}")
    assert status == 200 and b"Ein erster Kommentar." in before
    assert visitor.get(f"{b}{thread}")[1] == before  # served from the shared cache now

    anna = Browser()
    assert anna.log_in(a, seeded["anna"], PASSWORD) == 302
    text = f"Über Knoten A geschrieben {uuid.uuid4().hex[:6]}"
    token = anna.csrf(f"{a}{thread}")
    status, _answer = anna.post(f"{a}{thread}", {"csrf_token": token, "text": text, "token": str(uuid.uuid4())})
    assert status in (302, 303)

    status, after = visitor.get(f"{b}{thread}")
    assert status == 200
    assert text in html.unescape(after.decode())


def test_an_export_is_the_same_file_from_either_node(nodes):
    a, b, seeded = nodes
    initiator = Browser()
    assert initiator.log_in(b, seeded["initiator"], PASSWORD) == 302
    from_a = initiator.get(f"{a}/p/{SLUG}/export/document-comments.csv")
    from_b = initiator.get(f"{b}/p/{SLUG}/export/document-comments.csv")
    assert from_a[0] == from_b[0] == 200
    assert "Ein erster Kommentar." in from_a[1].decode("utf-8-sig")
    assert from_a[1] == from_b[1]
    assert Browser().get(f"{a}/p/{SLUG}/export/document-comments.csv")[0] in (302, 403, 404)  # not for visitors
