"""core/worker_gc.py: gunicorn workers keep full garbage collections off the request path.

Freezing changes the whole process's collector, so each check runs in a fresh Python.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

from core import worker_gc


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_master_freezes_what_it_built_before_a_worker_forks():
    assert _run("""
        import gc
        from core import worker_gc
        app = [{"object": n} for n in range(5000)]
        before = gc.get_freeze_count()
        worker_gc.before_fork()
        print(gc.get_freeze_count() - before >= 5000)
    """) == "True"


def test_a_worker_freezes_once_after_its_warm_up_and_collects_its_garbage_first():
    assert _run(f"""
        import gc, weakref
        from core import worker_gc
        class Node:
            pass
        caches = [{{"template": n}} for n in range(3000)]
        for _ in range({worker_gc.WARM_UP_REQUESTS - 1}):
            worker_gc.after_request()
        during_warm_up = gc.get_freeze_count()
        gc.disable()  # only the warm-up's own collection may free the cycles below
        garbage = [Node() for _ in range(100)]
        for node in garbage:
            node.me = node
        alive = [weakref.ref(node) for node in garbage]
        del garbage, node
        worker_gc.after_request()
        after_warm_up = gc.get_freeze_count()
        later = [{{"page": n}} for n in range(1000)]
        for _ in range(1000):
            worker_gc.after_request()
        print(during_warm_up == 0, after_warm_up - during_warm_up >= 3000, all(ref() is None for ref in alive),
              gc.get_freeze_count() == after_warm_up)
    """) == "True True True True"


def test_the_shipped_gunicorn_configuration_uses_both_hooks():
    import core.gunicorn_conf as conf

    source = {name: getattr(conf, name).__code__.co_names for name in ("pre_fork", "post_request")}
    assert "before_fork" in source["pre_fork"] and "after_request" in source["post_request"]
    assert worker_gc.WARM_UP_REQUESTS > 0
