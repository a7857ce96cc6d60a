"""gunicorn's settings for Mitsprache, shipped in the package so an installed wheel has them too::

    MITSPRACHE_INSTANCE=/srv/mitsprache gunicorn -c python:core.gunicorn_conf

It serves ``core:create_app()`` (``wsgi_app`` below), reading the same
settings as the site (``config.toml`` in the instance folder, then
``MITSPRACHE_*``), and these from the environment:

==========================  =============================  ==========================================
variable                    default                        why
==========================  =============================  ==========================================
``MITSPRACHE_BIND``         ``127.0.0.1:8000``             behind a proxy on the same machine
``MITSPRACHE_WORKERS``      2 per CPU core                 what ``bench/commenting.py`` measured best
``MITSPRACHE_THREADS``      2                              a thread waits on the database, another runs
``MITSPRACHE_TIMEOUT``      60                             an XLSX export of a big project takes a while
``FORWARDED_ALLOW_IPS``     ``127.0.0.1,::1`` (proxies>0)  who may tell gunicorn the scheme (https)
==========================  =============================  ==========================================

- ``preload_app``: the app is built once in the master, so its start-up
  checks (:mod:`core.startup`: ``base_url`` set, schema up to date, database
  reachable) stop gunicorn with one line before any worker forks.
- Forwarded headers: with ``proxies = 0`` the site faces clients directly and
  gunicorn trusts nobody's ``X-Forwarded-Proto``; with ``proxies`` > 0 it
  trusts the proxy at ``FORWARDED_ALLOW_IPS`` and the app's ``ProxyFix`` takes
  exactly ``proxies`` hops of ``X-Forwarded-For/-Proto/-Host``.
- The access log is the app's: one line per request (``mitsprache.request``,
  text or JSON as ``log_format`` says) with the request id, method, path,
  status, duration and user id; reset tokens are cut from the path, client
  addresses left out (DSGVO; ``log_personal_data = true`` adds them).
  gunicorn's own access log, which would write tokens, is off unless
  ``MITSPRACHE_ACCESS_LOG`` names a file (``-``: standard error); its lines
  carry the request id too.
- Garbage collection: the app and, after a worker's warm-up, its caches are
  frozen (:mod:`core.worker_gc`), so no request waits while Python walks them.
- ``metrics = true``: every worker counts into ``PROMETHEUS_MULTIPROC_DIR``
  (made fresh at each start), the master serves the sum on ``metrics_bind``.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from flask import Config

from core import config as _config
from core import worker_gc
from core.logs import configure_logging
from core.metrics import MULTIPROC_ENV, parse_bind


def _settings() -> Config:
    settings = Config(".")
    _config.load(settings, _config.resolve_instance_path())
    return settings


_site = _settings()

wsgi_app = "core:create_app()"
bind = [os.environ.get("MITSPRACHE_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("MITSPRACHE_WORKERS") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("MITSPRACHE_THREADS") or 2)
timeout = int(os.environ.get("MITSPRACHE_TIMEOUT") or 60)
preload_app = True
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files: never wait on a slow disk

if _site["PROXIES"]:
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""

configure_logging(_site)  # the app's own lines: text or JSON, with the request id
errorlog = "-"
# The app writes the access log (core.request_id: one line per request, in log_format, with the
# request id, the user's id and the path without reset tokens). gunicorn's own is there for those
# who want it as well (MITSPRACHE_ACCESS_LOG=- or a file), with the request id on each line too.
accesslog = os.environ.get("MITSPRACHE_ACCESS_LOG") or None
access_log_format = ("%(h)s " if _site["LOG_PERSONAL_DATA"] else "") + (
    '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s')



def pre_fork(server, worker):
    """The app built once in the master is frozen for the garbage collector (:mod:`core.worker_gc`)."""
    worker_gc.before_fork()


def post_request(worker, req, environ, resp):
    """After a worker's warm-up, what it built is frozen too (:mod:`core.worker_gc`)."""
    worker_gc.after_request()


if _site["METRICS"]:
    _metrics_dir = os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="mitsprache-metrics-")
    shutil.rmtree(_metrics_dir, ignore_errors=True)  # figures of an earlier run would be added to ours
    os.makedirs(_metrics_dir)
    os.environ[MULTIPROC_ENV] = _metrics_dir

    def when_ready(server):
        """The master serves the sum of every worker's figures on ``metrics_bind``."""
        from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

        host, port = parse_bind(_site["METRICS_BIND"])
        GunicornPrometheusMetrics.start_http_server_when_ready(port, host)
        server.log.info("Metrics on http://%s:%s/metrics", host, port)

    def child_exit(server, worker):
        """A worker's live gauges end with it; its counters stay in the sum."""
        from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

        GunicornPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
