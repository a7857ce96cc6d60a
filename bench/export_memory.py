"""Benchmark: exporting 100,000 comments as CSV and XLSX with flat memory.

Run ``.venv/bin/python bench/export_memory.py [--comments 100000]``. It seeds a
fresh SQLite instance with one document of 200 paragraphs and N comments
(inserted in bulk), then exports the evaluation table ("document-comments")
the way the browser download and ``mitsprache commenting export`` do, and
prints time and peak Python memory (tracemalloc) for each format, next to the
memory the same rows take when loaded into a list — what a non-streaming
export would hold.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from harness import bench_app


def seed(instance: Path, comments: int) -> None:
    from sqlalchemy import insert

    from core.app import create_all_tables
    from core.clock import now
    from core.config import write_config
    from core.extensions import db
    from core.models import User
    from core.services import add_phase, create_project
    from plugins.comments.models import Comment
    from plugins.commenting import services as commenting

    write_config(instance, plugins=["comments", "commenting"], default_locale="de", environment="development")
    app = bench_app(instance)
    with app.app_context():
        create_all_tables()  # as `mitsprache db upgrade` does before a deployment starts
        users = [User(email=f"u{i}@bench.example", display_name=f"Person {i}", password_hash="x") for i in range(200)]
        db.session.add_all(users)
        project = create_project("export", "Export-Benchmark")
        start = now() - timedelta(days=20)
        add_phase(project, "commenting", "Kommentierung", start, start + timedelta(days=12))
        document = commenting.create_document(project, "Strategie")
        chapter = commenting.add_chapter(document, "Kapitel")
        paragraphs = [commenting.add_paragraph(chapter, f"<p>Absatz {i} mit etwas Text.</p>") for i in range(200)]
        db.session.flush()
        created = now() - timedelta(days=15)
        rows = [
            {
                "project_id": project.id, "target_type": "paragraph", "target_id": paragraphs[i % 200].id,
                "author_id": users[i % 200].id, "text": f"Kommentar {i}: " + "Das sollte genauer begründet werden. " * 3,
                "html": "<p>…</p>", "status": "visible", "created_at": created + timedelta(seconds=i),
            }
            for i in range(comments)
        ]
        for chunk in range(0, len(rows), 10_000):
            db.session.execute(insert(Comment), rows[chunk:chunk + 10_000])
        db.session.commit()


def measure(instance: Path, fmt: str, target: Path, *, trace: bool) -> tuple[float, float, int]:
    """Seconds, peak MiB (only with ``trace``) and file size of one export.

    tracemalloc slows allocation-heavy code several times over (XLSX: about 14 s
    untraced, 80-95 s traced), so time and memory come from two separate runs.
    """
    from core import create_app, exports

    app = create_app(instance_path=instance)
    with app.test_request_context():
        from core.extensions import db
        from core.models import Project

        project = db.session.scalar(db.select(Project))
        exporter = app.extensions["mitsprache"].registry.exporters["document-comments"]
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        headers, rows = exports.table(exporter, project)
        if fmt == "csv":
            with target.open("w", encoding="utf-8", newline="") as fh:
                for chunk in exports.iter_csv(headers, rows):
                    fh.write(chunk)
        elif fmt == "xlsx":
            exports.write_xlsx(headers, rows, str(target))
        else:  # what a non-streaming export would hold: every row at once
            held = list(rows)
            assert held
        elapsed = time.perf_counter() - t0
        peak = 0
        if trace:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return elapsed, peak / 2**20, target.stat().st_size if target.exists() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="mitsprache-export-"))
    try:
        t0 = time.perf_counter()
        seed(instance, args.comments)
        print(f"Seeded {args.comments} comments in {time.perf_counter() - t0:.1f} s "
              f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
        print("seconds: an untraced run; peak MiB: a second run under tracemalloc (Python allocations)")
        print(f"{'export':28} {'seconds':>8} {'peak MiB':>9} {'file MiB':>9}")
        for fmt, label in (("csv", "CSV, streamed"), ("xlsx", "XLSX, write-only"), ("list", "all rows in a list (baseline)")):
            elapsed, _peak, size = measure(instance, fmt, instance / f"export.{fmt}", trace=False)
            _elapsed, peak, _size = measure(instance, fmt, instance / f"export.{fmt}", trace=True)
            print(f"{label:28} {elapsed:8.1f} {peak:9.1f} {size / 2**20:9.1f}")
        return 0
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
