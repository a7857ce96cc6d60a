"""Queue concurrent SQLite writers in Python instead of in SQLite's busy handler.

SQLite allows one writer at a time. A second writer that finds the lock taken
sleeps in SQLite's busy handler in steps of up to 100 ms, which turns a 2 ms
write into a 100 ms one under load (8 people posting at once). Within one
process we can do better: a writer takes a Python lock at its first
INSERT/UPDATE/DELETE and releases it at commit or rollback, so writers queue on
the lock and wake the moment it is free. Readers are never blocked (WAL mode).

Across processes SQLite's own locking still applies. That costs less than it
sounds: a write holds the lock for well under a millisecond, so gunicorn with
several processes (``--workers 4 --threads 2`` on two cores) still posts faster
than one process with eight threads, whose requests wait for one GIL (measured
in ``bench/commenting.py``, which also records that a cross-process ``flock``
gate brought nothing). PostgreSQL needs none of this and does not get it.
"""
from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES = ("insert", "update", "delete", "replace")
_KEY = "mitsprache_write_gate"


def install(engine: Engine) -> None:
    """Attach the write gate to an SQLite engine (idempotent per engine)."""
    if getattr(engine, "_mitsprache_gate", None) is not None:
        return
    # A plain Lock (not RLock): the pool may check a connection in from another thread.
    gate = threading.Lock()
    engine._mitsprache_gate = gate

    @event.listens_for(engine, "before_cursor_execute")
    def take_gate(conn, cursor, statement, parameters, context, executemany):
        if _KEY not in conn.info and statement.lstrip()[:7].lower().startswith(_WRITES):
            # After 30 s, go on without the gate and let SQLite's busy timeout decide: never deadlock here.
            if gate.acquire(timeout=30):
                conn.info[_KEY] = True

    def release(info) -> None:
        if info.pop(_KEY, None):
            gate.release()

    # The session hands its connection back to the pool right after COMMIT or
    # ROLLBACK; that is the moment the SQLite write lock is gone too.
    @event.listens_for(engine.pool, "checkin")
    def on_checkin(dbapi_connection, record):
        release(record.info)
