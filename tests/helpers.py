"""Small helpers shared by test modules (fixtures live in conftest.py)."""
from __future__ import annotations

import threading


def run_at_once(jobs):
    """Run each job in its own thread, all released at the same moment; return their results.

    Used by the concurrency tests: many people voting or posting at the same instant
    must lose and duplicate nothing.
    """
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert not any(isinstance(r, Exception) for r in results), results
    return results
