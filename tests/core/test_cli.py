"""The mitsprache command line, as an operator uses it."""
import pytest
from click.testing import CliRunner

from core.cli import build_cli
from core.extensions import db
from core.models import Phase, Project, User


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("MITSPRACHE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("MITSPRACHE_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("MITSPRACHE_PLUGINS", "")
    return tmp_path


def run(*args, expect=0):
    result = CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result.output


def test_init_user_project_phase_plugins(instance):
    assert "Wrote" in run("init", "--base-url", "https://beteiligung.example.de")
    assert (instance / "config.toml").exists()
    assert 'base_url = "https://beteiligung.example.de"' in (instance / "config.toml").read_text()
    assert "Created user ops@example.org (admin)" in run("user", "create", "ops@example.org", "--password", "long password 1", "--admin")
    assert "already" in run("user", "create", "ops@example.org", "--password", "x" * 12, expect=1)
    assert "Created project radweg" in run("project", "create", "radweg", "--title", "Radweg", "--initiator", "ops@example.org")
    out = run("phase", "add", "radweg", "--kind", "nosuch", "--title", "X", "--start", "2026-04-01T00:00", "--end", "2026-04-02T00:00", expect=1)
    assert "Unknown phase kind 'nosuch'" in out
    bad = run("phase", "add", "radweg", "--kind", "x", "--title", "X", "--start", "tomorrow", "--end", "2026-04-02", expect=1)
    assert "Unknown phase kind" in bad or "not an ISO 8601" in bad
    listing = run("plugins")
    assert "comments" in listing and "disabled" in listing

    from core import create_app

    app = create_app()
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.is_admin and user.check_password("long password 1")
        assert db.session.scalar(db.select(Project.title)) == "Radweg"


def test_phase_add_parses_offsets_and_local_times(instance, monkeypatch):
    import types

    from core import hookimpl
    from core.registry import PhaseKind

    run("init", "--base-url", "https://beteiligung.example.de")
    run("project", "create", "p", "--title", "P")
    kinds = types.SimpleNamespace(PLUGIN_NAME="kinds", register_phase_kinds=hookimpl(lambda register: register(PhaseKind("talk", "Talk"))))
    import core.cli

    original = core.cli.create_app
    monkeypatch.setattr(core.cli, "create_app", lambda **kw: original(extra_plugins=[kinds], **kw))
    run("phase", "add", "p", "--kind", "talk", "--title", "Local", "--start", "2026-01-10T00:00", "--end", "2026-01-20T23:59")
    run("phase", "add", "p", "--kind", "talk", "--title", "Offset", "--start", "2026-01-10T00:00+00:00", "--end", "2026-01-11T00:00Z")
    app = original(extra_plugins=[kinds])
    with app.app_context():
        phases = {p.title: p for p in db.session.scalars(db.select(Phase))}
        assert phases["Local"].start.isoformat() == "2026-01-09T23:00:00+00:00"  # Berlin, CET
        assert phases["Offset"].start.isoformat() == "2026-01-10T00:00:00+00:00"


def test_init_demo_creates_users_and_refuses_twice(instance):
    out = run("init", "--demo")
    assert "admin@example.org" in out and "demo-password" in out
    assert "no demo content added" in run("init", "--demo")


def test_serve_answers_http(instance):
    """``mitsprache serve`` really serves (Flask ignores app.run() inside its own CLI)."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run("init", "--base-url", f"http://127.0.0.1:{port}")
    server = subprocess.Popen(
        [sys.executable, "-c", "from core.cli import main; main()", "serve", "--port", str(port)],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        # Werkzeug logs "Running on …" once the socket is bound: wait for that line, no polling.
        output = []
        for line in server.stdout:
            output.append(line.decode())
            if b"Running on" in line:
                break
        assert server.poll() is None, "".join(output)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            body = response.read().decode()
        assert "Open for participation" in body or "Offen für Beteiligung" in body
    finally:
        server.terminate()
        server.wait(10)
        server.stdout.close()


def _serve_refusal(extra_env: dict) -> str:
    import os
    import subprocess
    import sys

    env = {**os.environ, **extra_env}
    done = subprocess.run([sys.executable, "-c", "from core.cli import main; main()", "serve", "--port", "1"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_serve_refuses_in_production_without_base_url(instance):
    run("init")
    line = _serve_refusal({})
    assert "base_url is not set" in line and "MITSPRACHE_BASE_URL" in line


def test_serve_and_gunicorn_refuse_while_migrations_are_pending(instance):
    """A schema behind the code would answer 500 on the pages that use it: refuse with one line."""
    import os
    import shutil
    import subprocess
    import sys

    run("init", "--base-url", "https://beteiligung.example.de")
    from core import create_app

    app = create_app(startup_checks=False)
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM alembic_version")
    with app.app_context():
        db.engine.dispose()
    line = _serve_refusal({})
    assert "database schema is behind (core)" in line and "mitsprache db upgrade" in line

    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable))
    done = subprocess.run([gunicorn, "--preload", "-b", "127.0.0.1:0", "core:create_app()"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "database schema is behind (core)" in done.stderr and "Traceback" not in done.stderr
