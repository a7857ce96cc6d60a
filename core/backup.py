"""``mitsprache backup FILE`` and ``mitsprache restore FILE``: the database, consistently, while the site runs.

- SQLite: SQLite's online backup API copies the database page by page inside
  one read transaction, so the copy is consistent even while gunicorn writes
  (a plain ``cp`` of a WAL database may not be). Restoring copies the file
  back the same way, through SQLite's own locking.
- PostgreSQL: ``pg_dump -Fc`` (a consistent snapshot, compressed, restorable
  table by table) and ``pg_restore --clean --if-exists --single-transaction``,
  so a failed restore leaves the database as it was. Both need the
  PostgreSQL client tools (Debian: ``postgresql-client``) of the server's
  major version or newer.

A restore refuses to overwrite a database that holds tables unless told
``--yes``, checks that the file is a backup of the right kind before touching
anything, and then applies pending migrations: a backup from an older release
is brought up to the installed code's schema. Back up ``config.toml`` (the
secret key) separately; the task queue (``tasks.db``) needs no backup, the
worker rebuilds its schedule.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from flask import Flask
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from .extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why and what to do."""


def _url(app: Flask):
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _libpq_url(url) -> str:
    """The SQLAlchemy URL as libpq understands it (no ``+psycopg`` driver part)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools "
                          "(Debian: apt-get install postgresql-client), then try again.")
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit status {done.returncode}"]
        raise BackupError(f"{Path(command[0]).name} failed: {lines[-1]}")


def backup(app: Flask, target: Path) -> None:
    """Write a consistent copy of the app's database to ``target`` (replaced if it exists)."""
    url = _url(app)
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist.")
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.is_file():
            raise BackupError(f"there is no database at {source} yet: run 'mitsprache init' first.")
        partial = target.with_name(target.name + ".partial")
        with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        partial.replace(target)  # never a half-written file under the real name
    elif url.get_backend_name() == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={_libpq_url(url)}"])
    else:
        raise BackupError(f"backing up a {url.get_backend_name()} database is not supported.")


def check_file(app: Flask, source: Path) -> None:
    """Refuse a file that is not a backup for this kind of database (before anything is changed)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"there is no file {source}.")
    backend = _url(app).get_backend_name()
    with source.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    expected = {"sqlite": (SQLITE_MAGIC, "an SQLite database"), "postgresql": (PG_CUSTOM_MAGIC, "a pg_dump -Fc file")}
    magic, kind = expected.get(backend, (None, backend))
    if magic is None or not head.startswith(magic):
        raise BackupError(f"{source} is not {kind}: the site uses {backend}, so restore a backup "
                          "made by 'mitsprache backup' of this site.")
    if backend == "sqlite":
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{source} is damaged (SQLite's check failed).")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.close()
        if not any(name.startswith("alembic_version") for name in tables):
            raise BackupError(f"{source} is an SQLite database, but not one of Mitsprache.")


def has_tables(app: Flask) -> bool:
    """Whether the app's database holds any table (a restore would overwrite something)."""
    with app.app_context():
        try:
            return bool(inspect(db.engine).get_table_names())
        finally:
            db.engine.dispose()


def restore(app: Flask, source: Path) -> list[str]:
    """Replace the app's database with the backup ``source``; returns the migrations applied after it.

    The caller has checked the file (:func:`check_file`) and the consent to overwrite.
    """
    url = _url(app)
    source = Path(source)
    with app.app_context():
        db.engine.dispose()  # no pooled connection may hold the old database open
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(url)}", str(source)])
    from .migrate import upgrade

    with app.app_context():
        try:
            return upgrade(app)
        finally:
            db.session.remove()
            db.engine.dispose()
