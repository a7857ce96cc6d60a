"""Test fixtures for Mitsprache and its plugins, shipped with the package as a pytest plugin.

``pip install mitsprache[test]`` registers this module with pytest (entry point
``pytest11``), so a plugin's own test suite, in its own repository, gets the
fixtures the core's tests use, with no checkout of Mitsprache::

    # tests/test_townhall.py of a plugin package (``mitsprache plugin new townhall --phase-kind questions``)
    from datetime import timedelta

    from core.testing import T0

    def test_a_question_can_be_asked(make_app, users, login, project_with_phase):
        app = make_app(plugins=["townhall"])
        people = users(app)
        slug, _ = project_with_phase(app, "questions", start=T0, end=T0 + timedelta(days=7), people=people)
        client = login(app, people.anna)
        assert client.post(f"/p/{slug}/townhall", data={"text": "Wann kommt der Radweg?"}).status_code == 302

What there is:

- ``make_app(plugins=[...], extra_plugins=[...], **settings)``: an app on its
  own empty database (SQLite in ``tmp_path``; PostgreSQL when
  ``MITSPRACHE_TEST_DATABASE_URL`` is set, one schema per test process), its
  schema brought up to date as ``mitsprache db upgrade`` does, with the clock
  frozen at :data:`T0` and a test client that sends CSRF tokens like a browser;
- ``clock``: that clock; move it with ``clock.advance(days=12)`` (never sleep);
- ``users(app)``: admin, initiator, moderator, anna and ben; ``login(app, user)``:
  a client logged in as ``user``;
- ``project_with_phase(app, kind, start=, end=, people=)``: a project with one
  phase (and the initiator and moderator roles when ``people`` is given);
- ``count_queries(app)``: a context manager collecting the SQL statements run
  inside it, for "the same number of queries for 10 or 1,000 comments" tests
  (``commits=True`` also records each COMMIT, to check what a transaction holds);
- ``assert_revisions_match_models("townhall")``: replays the plugin's Alembic
  revisions on an empty database and fails, listing the differences, unless
  they build exactly its models (``make_app`` itself takes a ``create_all``
  shortcut, which always matches);
- ``live_server(app)``, ``browser``, ``page``, ``screenshot``: the app served on
  a free local port and a real headless Chromium (Debian's ``/usr/bin/chromium``,
  or ``MITSPRACHE_CHROMIUM``) driven by Playwright;
- :func:`run_at_once`: run jobs in threads released at the same instant;
- :func:`log_in_browser`: log a Playwright page in through the login form.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from core import create_app
from core.app import create_all_tables
from core.clock import FrozenClock
from core.extensions import db
from core.services import add_phase, create_project, create_user, grant_role

#: The moment tests start at, unless they set the clock themselves.
T0 = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)

TEST_DATABASE_URL = os.environ.get("MITSPRACHE_TEST_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class CSRFClient(FlaskClient):
    """A test client that adds a valid CSRF token to every form post, as a browser would.

    Pass ``csrf=False`` to send a post without one (CSRF rejection tests).
    """

    _token: str | None = None

    def csrf_token(self, base_url: str | None = None) -> str:
        """The session's CSRF token, read from the login page (at ``base_url`` for a site with trusted hosts)."""
        if self._token is None or base_url:
            page = super().open("/login", method="GET", base_url=base_url).get_data(as_text=True)
            match = CSRF_RE.search(page)
            assert match, "no CSRF token on /login"
            self._token = next(g for g in match.groups() if g)
        return self._token

    def open(self, *args, csrf: bool = True, **kwargs):
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            data = kwargs.get("data")
            if data is None:
                data = kwargs["data"] = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
        response = super().open(*args, **kwargs)
        if method != "GET" and "session=" in response.headers.get("Set-Cookie", ""):
            self._token = None  # logging in or out starts a new CSRF token, as a browser's next page shows
        return response


#: Each test process gets its own PostgreSQL schema, so parallel runs never collide.
PG_SCHEMA = f"mitsprache_test_{os.getpid()}"


def _reset_postgres(url: str) -> dict:
    """Empty this process's schema and return engine options that put it first on the search path."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    return {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}}


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_schema():
    """Remove this run's schema at the end of the session."""
    yield
    if TEST_DATABASE_URL:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    """The app's clock, frozen at :data:`T0`; move it with ``clock.advance(days=1)``."""
    return FrozenClock(T0)


@pytest.fixture
def make_app(tmp_path, clock):
    """Build an app: ``make_app(plugins=[...], theme="civic", extra_plugins=[...], **flask_config)``."""
    built = []

    def factory(plugins=None, *, extra_plugins=None, theme="default", **config):
        if TEST_DATABASE_URL:
            config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _reset_postgres(TEST_DATABASE_URL))
            url = TEST_DATABASE_URL
        else:
            url = f"sqlite:///{tmp_path / f'test{len(built)}.db'}"
        settings = {
            "secret_key": "test-secret",
            "database_url": url,
            "plugins": list(plugins if plugins is not None else []),
            "theme": theme,
            "default_locale": "en",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt is slow on purpose; tests/core/test_auth checks it
            **config,
        }
        app = create_app(settings, instance_path=tmp_path / "instance", clock=clock, extra_plugins=extra_plugins)
        app.test_client_class = CSRFClient
        built.append(app)
        with app.app_context():
            create_all_tables()  # as `mitsprache db upgrade` does; create_app never touches the schema
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """An app with every built-in plugin enabled."""
    return make_app(plugins=["comments", "commenting", "ideas", "voting"])


@pytest.fixture
def users():
    """``users(app)`` creates admin, initiator, moderator, anna and ben; returns them by name."""

    def factory(app):
        with app.app_context():
            made = {
                "admin": create_user("admin@example.org", "password-admin", "Admin", is_admin=True),
                "initiator": create_user("initiator@example.org", "password-init", "Initiator"),
                "moderator": create_user("moderator@example.org", "password-mod", "Moderator"),
                "anna": create_user("anna@example.org", "password-anna", "Anna"),
                "ben": create_user("ben@example.org", "password-ben", "Ben"),
            }
            db.session.commit()
            return SimpleNamespace(**{k: SimpleNamespace(id=u.id, email=u.email, name=u.display_name) for k, u in made.items()})

    return factory


@pytest.fixture
def login():
    """``login(app, user)`` returns a client whose session belongs to ``user`` (or anonymous for None)."""

    def factory(app, user=None) -> CSRFClient:
        client = app.test_client()
        if user is not None:
            from core.models import User

            with app.app_context():
                session_id = db.session.get(User, user.id).get_id()  # "<id>.<session version>"
                db.session.remove()
            with client.session_transaction() as session:
                session["_user_id"] = session_id
                session["_fresh"] = True
        return client

    return factory


@pytest.fixture
def project_with_phase():
    """``project_with_phase(app, kind, start=, end=, users=)`` → (slug, phase_id); initiator and moderator roles set."""

    def factory(app, kind, *, start, end, people=None, slug="city-plan", title="City plan", is_public=True, **settings):
        from core.models import User

        with app.app_context():
            project = create_project(slug, title, "<p>What should change?</p>", is_public=is_public)
            if people is not None:
                grant_role(project, db.session.get(User, people.initiator.id), "initiator")
                grant_role(project, db.session.get(User, people.moderator.id), "moderator")
            phase = add_phase(project, kind, f"{kind} phase", start, end, settings=settings)
            db.session.commit()
            return project.slug, phase.id

    return factory


@contextmanager
def count_queries(app, *, commits: bool = False):
    """Collect the SQL statements the app runs inside the ``with`` block (a list, filled as they run).

    With ``commits=True`` the list also gets ``"COMMIT"`` wherever a transaction commits, so a
    test can check which statements ran inside a write transaction and which after it::

        with count_queries(app, commits=True) as statements:
            client.post(url, data=...)
        first_write = next(i for i, sql in enumerate(statements) if sql.startswith("INSERT"))
    """
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def on_commit(conn):
        statements.append("COMMIT")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    if commits:
        event.listen(engine, "commit", on_commit)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        if commits:
            event.remove(engine, "commit", on_commit)


@pytest.fixture(name="count_queries")
def count_queries_fixture():
    """``with count_queries(app) as statements: client.get(url)``; then ``len(statements)``."""
    return count_queries


@pytest.fixture
def assert_revisions_match_models(make_app):
    """``assert_revisions_match_models("townhall")``: the plugin's revisions, replayed, build exactly its models.

    Pass ``plugins=[...]`` when the plugin needs others enabled beside it.
    """

    def check(plugin: str, *, plugins: list[str] | None = None, extra_plugins: list | None = None) -> None:
        from core.revision_check import revision_problems

        # Replay the revisions as a deployment does, not make_app's create_all shortcut.
        app = make_app(plugins=[plugin] if plugins is None else plugins, extra_plugins=extra_plugins,
                       MIGRATIONS_FRESH_CREATE_ALL=False)
        with app.app_context():
            problems = revision_problems(app, plugin)
        if problems:
            raise AssertionError(
                f"The revisions of {plugin!r} do not build its models:\n  - " + "\n  - ".join(problems)
                + f"\nWrite a revision with `mitsprache db revision {plugin} -m '…'` and read it before committing."
            )

    return check


def log_in_browser(page, base: str, email: str, password: str) -> None:
    """Log ``page`` in through the login form at ``base`` (in any language) and wait until it has left it."""
    page.goto(f"{base}/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def run_at_once(jobs):
    """Run each job in its own thread, all released at the same moment; return their results.

    For concurrency tests: many people voting or posting at the same instant
    must lose and duplicate nothing.
    """
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert not any(isinstance(r, Exception) for r in results), results
    return results


@pytest.fixture
def live_server(tmp_path):
    """``live_server(app)`` serves the app on a free local port in a thread; returns its base URL."""
    from werkzeug.serving import make_server

    servers = []

    def start(app) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


CHROMIUM = os.environ.get("MITSPRACHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """A real headless Debian Chromium driven by Playwright (see README: apt-get install chromium)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser page (own cookies), English, closed after the test."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """``screenshot("name")`` saves ``<rootdir>/tests/screenshots/<test>-<name>.png`` for people to look at."""
    folder = Path(request.config.rootpath) / "tests" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None) -> str:
        path = str(folder / f"{request.node.name}-{name}.png")
        (target or page).screenshot(path=path, full_page=True)
        return path

    return take
