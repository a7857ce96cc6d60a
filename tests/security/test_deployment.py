"""The deployment the README recommends: behind a proxy, several workers, Redis, a deadline at midnight.

- Behind a reverse proxy every request comes from the proxy's address; with
  ``proxies`` configured the client's own address counts, so one person's
  typos do not lock out a whole town hall, and HSTS is sent behind TLS.
- Rate-limit counters live in Redis (``redis_url``), so four workers do not
  each allow the full number of attempts: checked with two real processes.
- Posting has limits a person never meets but a script does.
- One moment per request: the phase check and the stored timestamp agree.
- Local times that do not exist (02:30 on the spring DST night) are refused.
- Building the app opens no database connection or file that a fork would share.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from tests.helpers import require_redis
from click.testing import CliRunner

from core.extensions import db
from tests.comments import notes_plugin
from tests.conftest import T0

REDIS_URL = os.environ.get("MITSPRACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _login_statuses(client, email, n, **kw):
    return [client.post("/login", data={"email": email, "password": "wrong"}, **kw).status_code for _ in range(n)]


def test_behind_a_proxy_each_client_is_counted_by_its_own_address(make_app, users):
    app = make_app(plugins=[], proxies=1, RATELIMIT_ENABLED=True, LOGIN_ADDRESS_RATE_LIMIT="3 per minute",
                   RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    users(app)
    client = app.test_client()
    town_hall = {"X-Forwarded-For": "203.0.113.7"}
    assert _login_statuses(client, "x@example.org", 4, headers=town_hall) == [400, 400, 400, 429]
    # Another citizen behind the same proxy (the proxy's own address is the same for both).
    assert _login_statuses(client, "y@example.org", 1, headers={"X-Forwarded-For": "198.51.100.23"}) == [400]


def test_without_proxies_configured_a_forged_forwarded_for_changes_nothing(make_app, users):
    app = make_app(plugins=[], RATELIMIT_ENABLED=True, LOGIN_ADDRESS_RATE_LIMIT="3 per minute",
                   RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    users(app)
    client = app.test_client()
    statuses = [client.post("/login", data={"email": f"p{n}@example.org", "password": "x"},
                            headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_hsts_behind_a_tls_proxy_only_when_the_proxy_is_trusted(make_app):
    trusting = make_app(plugins=[], proxies=1).test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert trusting.headers["Strict-Transport-Security"].startswith("max-age=")
    naive = make_app(plugins=[]).test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in naive.headers


def test_posting_comments_has_a_limit_a_person_never_meets(make_app, users, login):
    from core.services import add_phase, create_project

    app = make_app(plugins=["comments"], extra_plugins=[notes_plugin], RATELIMIT_ENABLED=True,
                   COMMENT_RATE_LIMIT="3 per minute", RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    people = users(app)
    with app.app_context():
        project = create_project("p", "P")
        add_phase(project, "discussion", "Talk", T0 - timedelta(days=1), T0 + timedelta(days=1))
        note = notes_plugin.CNote(project_id=project.id, title="Note")
        db.session.add(note)
        db.session.commit()
        url = f"/comments/note/{note.id}"
    anna, ben = login(app, people.anna), login(app, people.ben)
    statuses = [anna.post(url, data={"text": f"Kommentar {n}"}).status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = anna.post(url, data={"text": "noch einer"}, headers={"HX-Request": "true"})
    assert refused.status_code == 429 and "Please wait a minute" in refused.get_data(as_text=True)
    assert ben.post(url, data={"text": "Ben ist nicht betroffen"}).status_code == 302


def test_posting_ideas_has_a_limit_too(make_app, users, login, project_with_phase):
    app = make_app(plugins=["comments", "ideas"], RATELIMIT_ENABLED=True, IDEA_RATE_LIMIT="2 per minute",
                   RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    people = users(app)
    slug, _ = project_with_phase(app, "ideas", start=T0 - timedelta(days=1), end=T0 + timedelta(days=5), people=people)
    anna = login(app, people.anna)
    statuses = [anna.post(f"/p/{slug}/ideas/new", data={"title": f"Idee Nummer {n}", "description": "Mehr Grün"}).status_code
                for n in range(3)]
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert anna.get(f"/p/{slug}/ideas/new").status_code == 200  # the form itself is never limited


SHARED_LIMIT_SCRIPT = textwrap.dedent('''
    import sys
    from core import create_app
    from core.app import create_all_tables
    from core.extensions import db
    from core.services import create_user

    url, prefix, redis_url, create = sys.argv[1:5]
    app = create_app({"secret_key": "s", "database_url": url, "plugins": [], "TESTING": True,
                      "redis_url": redis_url, "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "3 per minute",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if create == "1":
            create_all_tables()
            create_user("anna@example.org", "password-anna", "Anna")
            db.session.commit()
    client = app.test_client()
    print(" ".join(str(client.post("/login", data={"email": "anna@example.org", "password": "x"}).status_code)
                   for _ in range(2)))
''')


def test_rate_limits_are_shared_by_worker_processes_through_redis(tmp_path):
    """Two processes (two gunicorn workers) share one count: the fourth failed login is refused."""
    require_redis(REDIS_URL)
    url, prefix = f"sqlite:///{tmp_path}/shared.db", uuid.uuid4().hex
    root = Path(__file__).resolve().parents[2]

    def worker(create: str) -> list[int]:
        out = subprocess.run([sys.executable, "-c", SHARED_LIMIT_SCRIPT, url, prefix, REDIS_URL, create],
                             capture_output=True, text=True, cwd=root, timeout=120, check=True)
        return [int(code) for code in out.stdout.split()]

    assert worker("1") + worker("0") == [400, 400, 400, 429]


class TickingClock:
    """A clock that moves 6 ms every time it is asked, as a real one does during a request."""

    def __init__(self, at):
        self.at = at

    def now(self):
        self.at += timedelta(milliseconds=6)
        return self.at


def test_the_phase_check_and_the_stored_time_are_one_moment(make_app, users, login):
    """A comment accepted as inside the phase is stored with a time inside the phase."""
    from core.services import add_phase, create_project
    from plugins.comments.models import Comment

    end = T0
    clock = TickingClock(end - timedelta(milliseconds=10))
    app = make_app(plugins=["comments"], extra_plugins=[notes_plugin])
    app.extensions["mitsprache"].clock = clock
    people = users(app)
    with app.app_context():
        project = create_project("p", "P")
        add_phase(project, "discussion", "Talk", end - timedelta(days=1), end)
        note = notes_plugin.CNote(project_id=project.id, title="Note")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    anna = login(app, people.anna)
    anna.csrf_token()
    clock.at = end - timedelta(milliseconds=7)
    status = anna.post(f"/comments/note/{note_id}", data={"text": "In letzter Sekunde"}).status_code
    with app.app_context():
        stored = db.session.scalars(db.select(Comment.created_at)).all()
    if status == 302:
        assert stored and all(at <= end for at in stored), stored
    else:
        assert stored == []


@pytest.mark.parametrize("moment, fragment", [
    ("2026-03-29T02:30", "does not exist in Europe/Berlin"),
    ("2026-10-25T02:30", "happens twice in Europe/Berlin"),
])
def test_phase_add_refuses_local_times_that_do_not_exist_or_happen_twice(tmp_path, monkeypatch, moment, fragment):
    from core.cli import build_cli

    monkeypatch.setenv("MITSPRACHE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MITSPRACHE_PLUGINS", "comments,commenting")
    runner = CliRunner()
    assert runner.invoke(build_cli(), ["init", "--base-url", "https://x.example"]).exit_code == 0
    assert runner.invoke(build_cli(), ["project", "create", "p", "--title", "P"]).exit_code == 0
    result = runner.invoke(build_cli(), ["phase", "add", "p", "--kind", "commenting", "--title", "T",
                                         "--start", moment, "--end", "2026-11-30T00:00"])
    assert result.exit_code == 1 and fragment in result.output and "Traceback" not in result.output
    ok = runner.invoke(build_cli(), ["phase", "add", "p", "--kind", "commenting", "--title", "T",
                                     "--start", moment + "+01:00", "--end", "2026-11-30T00:00"])
    assert ok.exit_code == 0, ok.output


def test_the_phase_form_refuses_a_time_that_does_not_exist(make_app, users, login, project_with_phase):
    app = make_app(plugins=["comments", "commenting"], timezone="Europe/Berlin")
    people = users(app)
    slug, _ = project_with_phase(app, "commenting", start=T0, end=T0 + timedelta(days=12), people=people)
    client = login(app, people.initiator)
    response = client.post(f"/p/{slug}/manage/phases/new", data={
        "kind": "commenting", "title": "Zweite Runde", "start": "2026-03-29T02:30", "end": "2026-04-10T23:59"})
    assert response.status_code in (200, 400)
    assert "This time does not exist on that day" in response.get_data(as_text=True)


def _open_database_files(path: str) -> list[str]:
    fd_dir = Path("/proc/self/fd")
    found = []
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(path):
            found.append(target)
    return found


def test_building_the_app_leaves_no_database_connection_or_file_open(tmp_path, monkeypatch):
    """gunicorn --preload forks its workers from the app the master built: nothing open may cross."""
    from core import create_app

    monkeypatch.setenv("MITSPRACHE_INSTANCE", str(tmp_path))
    subprocess.run([sys.executable, "-c", "from core.cli import main; main()", "init", "--base-url", "https://x.example"],
                   check=True, capture_output=True, cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert _open_database_files(str(tmp_path)) == []
    app = create_app()  # production start-up: settings and schema are checked, then everything is closed
    assert _open_database_files(str(tmp_path)) == []
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
        db.engine.dispose()
