"""``mitsprache backup`` / ``restore``: a round trip on SQLite and on PostgreSQL gives back every row."""
from __future__ import annotations

import os
import sqlite3
import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.cli import build_cli
from core.extensions import db
from tests.helpers import require_postgres

PG_SERVER = os.environ.get("MITSPRACHE_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_DATABASE = "mitsprache_backup_test"  # its own database: the suite's schemas in `test` stay untouched


def _cli(instance, database_url, *args):
    """Run a ``mitsprache`` command for the deployment, then close every connection it left pooled."""
    env = {"MITSPRACHE_INSTANCE": str(instance), "MITSPRACHE_DATABASE_URL": database_url,
           "MITSPRACHE_PLUGINS": "", "MITSPRACHE_BASE_URL": "https://beteiligung.example.de"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        result = CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)
    # The command line's apps end with the process; in one test process their pools must be closed here.
    for engines in list(db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
    return result


def _emails(database_url) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(text("SELECT email FROM core_user")).scalars())
    finally:
        engine.dispose()


def _round_trip(tmp_path, database_url, backup_name):
    instance = tmp_path / "instance"
    assert _cli(instance, database_url, "init").exit_code == 0
    assert _cli(instance, database_url, "user", "create", "anna@example.org", "--password", "password-anna").exit_code == 0
    backup = tmp_path / backup_name
    done = _cli(instance, database_url, "backup", str(backup))
    assert done.exit_code == 0, done.output
    assert f"to {backup}" in done.output
    assert _cli(instance, database_url, "user", "create", "ben@example.org", "--password", "password-ben").exit_code == 0
    assert _emails(database_url) == ["anna@example.org", "ben@example.org"]

    refused = _cli(instance, database_url, "restore", str(backup))
    assert refused.exit_code == 1 and "--yes" in refused.output
    assert _emails(database_url) == ["anna@example.org", "ben@example.org"]

    restored = _cli(instance, database_url, "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert _emails(database_url) == ["anna@example.org"]
    assert "up to date" in _cli(instance, database_url, "db", "upgrade").output
    return instance, backup


def test_sqlite_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    instance, backup = _round_trip(tmp_path, url, "site.backup")
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")


def test_sqlite_backup_is_consistent_while_the_site_writes(tmp_path):
    """A writer keeps inserting during the backup: the copy holds a prefix of the rows, never a torn page."""
    url = f"sqlite:///{tmp_path / 'site.db'}"
    instance = tmp_path / "instance"
    assert _cli(instance, url, "init").exit_code == 0
    stop = threading.Event()

    def write():
        conn = sqlite3.connect(tmp_path / "site.db", timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER PRIMARY KEY, filler TEXT)")
        n = 0
        while not stop.is_set():
            n += 1
            conn.execute("INSERT INTO probe (n, filler) VALUES (?, ?)", (n, "x" * 2000))
            conn.commit()
        conn.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for round_ in range(3):
            backup = tmp_path / f"b{round_}.db"
            assert _cli(instance, url, "backup", str(backup)).exit_code == 0
            with sqlite3.connect(backup) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                rows = [n for (n,) in copy.execute("SELECT n FROM probe ORDER BY n")] if copy.execute(
                    "SELECT 1 FROM sqlite_master WHERE name='probe'").fetchone() else []
            copy.close()
            assert rows == list(range(1, len(rows) + 1))
    finally:
        stop.set()
        writer.join()


def test_restore_refuses_a_file_that_is_no_backup_before_touching_anything(tmp_path):
    url = f"sqlite:///{tmp_path / 'site.db'}"
    instance = tmp_path / "instance"
    assert _cli(instance, url, "init").exit_code == 0
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = _cli(instance, url, "restore", str(junk), "--yes")
    assert result.exit_code == 1 and "is not an SQLite database" in result.output
    assert len(result.output.strip().splitlines()) == 1
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert "not one of Mitsprache" in _cli(instance, url, "restore", str(other), "--yes").output
    assert "there is no file" in _cli(instance, url, "restore", str(tmp_path / "missing.db"), "--yes").output


def test_restore_applies_pending_migrations(tmp_path):
    """A backup from an older release comes back at the installed code's schema."""
    from alembic import command

    from core import create_app
    from core.migrate import build_config

    url = f"sqlite:///{tmp_path / 'site.db'}"
    instance = tmp_path / "instance"
    _round_trip(tmp_path, url, "site.backup")
    old = tmp_path / "old.db"
    app = create_app({"database_url": f"sqlite:///{old}", "plugins": [], "secret_key": "x"},
                     instance_path=instance, startup_checks=False)
    with app.app_context():
        from core.extensions import db

        command.upgrade(build_config(app), "core@base+1")  # the first core revision only: an old release
        db.engine.dispose()
    result = _cli(instance, url, "restore", str(old), "--yes")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "core" in result.output.split("Restored", 1)[1]
    assert "up to date" in _cli(instance, url, "db", "upgrade").output


@pytest.fixture
def pg_database():
    """A database of its own on the local PostgreSQL server, dropped afterwards."""
    require_postgres(PG_SERVER)
    server = make_url(PG_SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    yield server.set(database=PG_DATABASE).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
    admin.dispose()


def test_postgresql_round_trip(tmp_path, pg_database):
    _instance, backup = _round_trip(tmp_path, pg_database, "site.dump")
    assert backup.read_bytes().startswith(b"PGDMP")


def test_missing_postgresql_tools_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/unused"
    from core import create_app
    from core.backup import BackupError, backup

    app = create_app({"database_url": url, "plugins": [], "secret_key": "x"}, instance_path=tmp_path,
                     startup_checks=False)
    with pytest.raises(BackupError, match=r"^pg_dump is not installed: install the PostgreSQL client tools"):
        backup(app, tmp_path / "x.dump")
