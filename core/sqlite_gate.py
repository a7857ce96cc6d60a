"""Queue concurrent SQLite writers in the operating system instead of in SQLite's busy handler.

SQLite allows one writer at a time. A second writer that finds the lock taken
sleeps in SQLite's busy handler in steps of up to 100 ms, which turns a 2 ms
write into a 100 ms one under load (8 people posting at once), and a writer
that keeps losing the race to newcomers waits longest of all. So a writer
queues before it writes, at its first INSERT/UPDATE/DELETE, and leaves the
queue at commit or rollback (when the connection goes back to the pool):

* within a process on a Python lock (the threads of one gunicorn worker);
* across processes (several gunicorn workers, the ``mitsprache worker``, the
  command line) with ``flock`` on a file next to the database: a blocking
  ``flock`` wakes the next writer the moment the lock is free, where SQLite's
  busy handler would sleep on.

Readers are never blocked (WAL mode). The lock file is opened per process on
its first write, never before gunicorn forks (a descriptor inherited across a
fork would share one lock between parent and child). An in-memory database has
no file and gets only the Python lock. PostgreSQL needs none of this and does
not get it.
"""
from __future__ import annotations

import fcntl
import os
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES = ("insert", "update", "delete", "replace")
_KEY = "mitsprache_write_gate"


class _ProcessLock:
    """``flock`` on ``path``, with the file opened once per process (used only under the thread lock)."""

    def __init__(self, path: str | None):
        self.path = path
        self._pid: int | None = None
        self._fd: int | None = None

    def _descriptor(self) -> int | None:
        if self.path is None:
            return None
        if self._pid != os.getpid():  # first write in this process (or after a fork): our own descriptor
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> bool:
        fd = self._descriptor()
        if fd is None:
            return False
        fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        return True

    def release(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def _lock_path(engine: Engine) -> str | None:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}.write-lock"


def install(engine: Engine) -> None:
    """Attach the write gate to an SQLite engine (idempotent per engine)."""
    if getattr(engine, "_mitsprache_gate", None) is not None:
        return
    # A plain Lock (not RLock): the pool may check a connection in from another thread.
    gate = threading.Lock()
    across = _ProcessLock(_lock_path(engine))
    engine._mitsprache_gate = gate

    @event.listens_for(engine, "before_cursor_execute")
    def take_gate(conn, cursor, statement, parameters, context, executemany):
        if _KEY not in conn.info and statement.lstrip()[:7].lower().startswith(_WRITES):
            # After 30 s, go on without the gate and let SQLite's busy timeout decide: never deadlock here.
            if gate.acquire(timeout=30):
                conn.info[_KEY] = "process" if across.acquire() else "thread"

    def release(info) -> None:
        held = info.pop(_KEY, None)
        if held == "process":
            across.release()
        if held:
            gate.release()

    # The session hands its connection back to the pool right after COMMIT or
    # ROLLBACK; that is the moment the SQLite write lock is gone too.
    @event.listens_for(engine.pool, "checkin")
    def on_checkin(dbapi_connection, record):
        release(record.info)
