"""``/healthz`` and ``/readyz``: what a load balancer, systemd or Kubernetes asks before sending traffic.

- ``/healthz``: the process answers (no database, nothing else); restart it when this fails.
- ``/readyz``: the database, the cache (Redis when configured), the rate-limit
  store (``redis_url``) and the task queue's storage answer; take the node out
  of rotation while this says 503.

Both answer JSON naming each check, with 200 or 503::

    $ curl -s http://10.0.0.5:8000/readyz
    {"checks": {"cache": "ok", "database": "ok", "task_queue": "ok"}, "status": "ok"}

They are never rate-limited, never cached (``Cache-Control: no-store``) and
set no cookie. Reasons for a failure go to the log, never to the answer:
a connection error may name a host or a user.

Load balancers probe by IP address (``Host: 10.0.0.5:8000``), which the host
check of a production site (``base_url``) refuses with 400. :class:`ProbeHost`
answers the two probe paths under any host: it sets the request's host to the
site's own before Flask checks it. That is safe because the probes build no
link, read no session and return nothing that depends on the host; every
other path still gets the check.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter

log = logging.getLogger("mitsprache.health")
PROBE_PATHS = frozenset({"/healthz", "/readyz"})

bp = Blueprint("health", __name__)


def _answer(status: str, code: int, checks: dict[str, str] | None = None):
    body = {"status": status}
    if checks is not None:
        body["checks"] = checks
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process is alive: nothing else is asked."""
    return _answer("ok", 200)


@bp.get("/readyz")
def readyz():
    """Every service a request may need answers; 503 names the ones that do not."""
    checks = {name: _run(name, check) for name, check in checks_for(current_app).items()}
    ready = all(result == "ok" for result in checks.values())
    return _answer("ok" if ready else "fail", 200 if ready else 503, checks)


def _run(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except Exception:  # any failure means "not ready"; the reason goes to the log only
        log.warning("readiness check %s failed", name, exc_info=True)
        return "fail"
    return "ok"


def checks_for(app: Flask) -> dict[str, Callable[[], None]]:
    """The checks this deployment needs: Redis only where it is configured."""
    checks = {"database": check_database, "cache": check_cache, "task_queue": check_task_queue}
    if app.config.get("REDIS_URL"):
        checks["redis"] = check_redis
    return checks


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    finally:
        db.session.remove()


def check_cache() -> None:
    """A round trip through the fragment cache (per process, or Redis with ``CACHE_TYPE``)."""
    from .cache import cache

    key = "mitsprache:readyz"
    if not cache.set(key, "1", timeout=60) or cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")


def check_redis() -> None:
    """Where the rate-limit counters live; without it the limits cannot be counted."""
    import redis

    client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def check_task_queue() -> None:
    """The worker's queue storage (SQLite in the instance folder, or Redis with ``task_queue_url``)."""
    from .notifications.tasks import huey_for

    huey_for(current_app._get_current_object()).storage.queue_size()


class ProbeHost:
    """WSGI middleware: the probe paths answer under any ``Host``, as the site's own host.

    Placed outside ``ProxyFix``, it also drops a forwarded host for these paths,
    so nothing later puts the probe's host back.
    """

    def __init__(self, wsgi_app, host: str):
        self.wsgi_app, self.host = wsgi_app, host

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in PROBE_PATHS and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            environ["HTTP_HOST"] = self.host
            environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def install(app: Flask) -> None:
    """Register the probes; with trusted hosts, let them answer under any host (see module docstring)."""
    limiter.exempt(bp)  # a probe every few seconds from each balancer must never meet a 429
    app.register_blueprint(bp)
    hosts = app.config.get("TRUSTED_HOSTS")
    if hosts:
        app.wsgi_app = ProbeHost(app.wsgi_app, hosts[0])
