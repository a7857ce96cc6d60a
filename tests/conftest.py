"""Shared fixtures: apps with a frozen clock, a CSRF-aware client, users and a live server.

The suite runs on SQLite by default. Set ``MITSPRACHE_TEST_DATABASE_URL`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run it on PostgreSQL;
each test then starts from an empty schema of its own process.

Typical use::

    def test_something(make_app, users, login):
        app = make_app(plugins=["comments"])
        client = login(app, users(app).anna)
        assert client.get("/").status_code == 200
"""
from __future__ import annotations

import os
import re
import threading
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

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


CHROMIUM = "/usr/bin/chromium"
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
    """``screenshot("name")`` saves tests/screenshots/<test>-<name>.png for people to look at."""
    folder = os.path.join(os.path.dirname(__file__), "screenshots")
    os.makedirs(folder, exist_ok=True)

    def take(name: str, target=None) -> str:
        path = os.path.join(folder, f"{request.node.name}-{name}.png")
        (target or page).screenshot(path=path, full_page=True)
        return path

    return take
