"""Optional Prometheus metrics: request counts and latencies per view, off unless ``metrics = true``.

Needs the ``metrics`` extra (``pip install 'mitsprache[metrics]'``, which
brings prometheus-flask-exporter). The metrics are served on their own
address (``metrics_bind``, default ``127.0.0.1:9200``), never on the public
site, so no proxy rule is needed to hide them:

- under gunicorn (``-c python:core.gunicorn_conf``) every worker writes its
  figures to files in ``PROMETHEUS_MULTIPROC_DIR``, which the config makes
  fresh at each start, and the master process serves the sum of all workers
  (prometheus_client's multiprocess mode);
- ``mitsprache serve`` (one process) serves its own figures (:func:`serve`).

Requests are grouped by view (``endpoint``), not by path: one series per
page type, however many projects and comments there are.
"""
from __future__ import annotations

import os

from flask import Flask

from .config import ConfigError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MISSING = "metrics = true needs the metrics extra: pip install 'mitsprache[metrics]'."


def install(app: Flask) -> None:
    """Count the app's requests when ``metrics`` is on; ``app.extensions["metrics"]`` holds the exporter.

    Anonymous pages answered by :mod:`core.page_shortcut` are counted apart, in
    ``mitsprache_page_shortcut_total{status}``: they never reach a view.
    """
    if not app.config.get("METRICS"):
        return
    try:
        from prometheus_client import CollectorRegistry, Counter
        from prometheus_flask_exporter import PrometheusMetrics
        from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics
    except ImportError:
        raise ConfigError(MISSING) from None
    options = {"group_by": "endpoint", "defaults_prefix": "mitsprache"}
    if os.environ.get(MULTIPROC_ENV):
        exporter = GunicornPrometheusMetrics(app, **options)
    else:
        # Each app its own registry: tests and embedders may build several apps in one process.
        exporter = PrometheusMetrics(app, path=None, registry=CollectorRegistry(), **options)
    app.extensions["metrics"] = exporter
    # Pages answered in front of the app (core.page_shortcut) never reach the per-view figures.
    app.extensions["metrics_shortcut"] = Counter(
        "mitsprache_page_shortcut", "Anonymous pages answered from their recipe in front of the app, by status",
        ["status"], registry=exporter.registry)


def parse_bind(bind: str) -> tuple[str, int]:
    """``"127.0.0.1:9200"`` → ``("127.0.0.1", 9200)``, with a clear message for anything else."""
    host, _, port = str(bind).rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f'metrics_bind must look like "127.0.0.1:9200", not {bind!r}.')
    return host.strip("[]"), int(port)


def serve(app: Flask) -> str | None:
    """Serve a single process's metrics on ``metrics_bind`` in a background thread; the address, or None."""
    exporter = app.extensions.get("metrics")
    if exporter is None:
        return None
    from prometheus_client import start_http_server

    host, port = parse_bind(app.config["METRICS_BIND"])
    start_http_server(port, host, registry=exporter.registry)
    return f"http://{host}:{port}/metrics"
