"""Keep Python's full garbage collections off the request path of gunicorn workers.

A full (generation 2) collection walks every container object the process
holds: the app, its mappers and plugins, compiled templates, statement and page
caches, about 150,000 objects once a worker has served a few pages. On the
2-core reference machine one such walk stalls the request that triggers it for
30 to 100 ms, and with 8 people posting at once those stalls are the slowest
answers (``bench/commenting.py``'s posting p99). The objects are long-lived and
almost never garbage, so walking them finds nothing.

CPython's answer is :func:`gc.freeze`: frozen objects move to a permanent
generation that collections skip. As its documentation advises for servers
that fork, the freeze comes right before the fork, and once more in each worker:

* the master, which built the app (``preload_app``), collects once and freezes
  everything right before each fork (:func:`before_fork`), so no worker ever
  walks the app again (nor writes to those pages, which stay shared);
* a worker, after its first :data:`WARM_UP_REQUESTS` requests, when templates
  are compiled and caches filled, collects once and freezes again
  (:func:`after_request`).

Objects frozen while alive and dropped later are never reclaimed; what is alive
after warm-up is the app and bounded caches, so this costs little memory
(``bench/commenting.py`` prints each worker's resident memory). Cycles made by
requests after warm-up are collected as before.
"""
from __future__ import annotations

import gc
import threading

#: Requests a worker serves before its one collect-and-freeze: enough to compile the
#: templates of the pages people use and fill the statement caches.
WARM_UP_REQUESTS = 500

_served = 0
_lock = threading.Lock()


def before_fork() -> None:
    """In the master, right before a worker forks: everything built so far is skipped by collections."""
    gc.collect()
    gc.freeze()


def after_request() -> None:
    """Once per worker, after warm-up: collect what is garbage, then freeze what is left."""
    global _served
    with _lock:
        _served += 1
        if _served != WARM_UP_REQUESTS:
            return
    gc.collect()
    gc.freeze()
