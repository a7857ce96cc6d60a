"""SQLite writers of several processes and threads queue on the write gate: every row stored, none lost."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from core import sqlite_gate

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys, threading
from sqlalchemy import create_engine, text
from core import sqlite_gate

engine = create_engine(f"sqlite:///{sys.argv[1]}", connect_args={"timeout": 30})
sqlite_gate.install(engine)

def work(thread):
    for i in range(40):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO note (text) VALUES (:text)"), {"text": f"{sys.argv[2]}-{thread}-{i}"})

threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
"""


def test_writers_of_four_processes_store_every_row(tmp_path):
    database = tmp_path / "site.db"
    engine = create_engine(f"sqlite:///{database}")
    sqlite_gate.install(engine)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode=WAL"))
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"))
    engine.dispose()
    assert not Path(f"{database}.write-lock").exists()  # nothing is opened before the first write

    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(database), f"p{n}"], cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for n in range(4)]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0, 0, 0], errors

    with create_engine(f"sqlite:///{database}").connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT text FROM note"))]
    expected = {f"p{p}-{t}-{i}" for p in range(4) for t in range(3) for i in range(40)}
    assert len(stored) == len(expected) and set(stored) == expected
    assert Path(f"{database}.write-lock").exists()


def test_an_in_memory_database_needs_no_lock_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = create_engine("sqlite://")
    sqlite_gate.install(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO note DEFAULT VALUES"))
    assert list(tmp_path.iterdir()) == []
