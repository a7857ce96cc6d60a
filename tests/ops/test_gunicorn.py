"""core/gunicorn_conf.py: the production server as the README starts it, with several workers."""
from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.config import write_config

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


@pytest.fixture
def conf(tmp_path, monkeypatch, root_logger):
    """Import core.gunicorn_conf afresh for a deployment's settings (it sets up logging: restored after)."""
    monkeypatch.setenv("MITSPRACHE_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("MITSPRACHE_SECRET_KEY", "x")

    def load(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, str(value))
        import core.gunicorn_conf

        return importlib.reload(core.gunicorn_conf)

    return load


def test_workers_threads_and_bind_come_from_the_environment(conf):
    settings = conf(MITSPRACHE_WORKERS=3, MITSPRACHE_THREADS=4, MITSPRACHE_BIND="0.0.0.0:9000")
    assert (settings.workers, settings.threads, settings.bind) == (3, 4, ["0.0.0.0:9000"])
    assert settings.preload_app is True and settings.wsgi_app == "core:create_app()"
    assert "request_id=%({x-request-id}o)s" in settings.access_log_format
    assert "%(h)s" not in settings.access_log_format  # no client addresses unless configured


def test_defaults_follow_the_benchmark(conf):
    settings = conf()
    assert settings.workers == 2 * (os.cpu_count() or 1) and settings.threads == 2
    assert settings.bind == ["127.0.0.1:8000"]


def test_forwarded_headers_are_trusted_only_with_proxies(conf):
    assert conf().forwarded_allow_ips == ""
    assert conf(MITSPRACHE_PROXIES=1).forwarded_allow_ips == "127.0.0.1,::1"
    assert conf(MITSPRACHE_PROXIES=1, FORWARDED_ALLOW_IPS="10.0.0.2").forwarded_allow_ips == "10.0.0.2"


def _instance(tmp_path, **settings) -> Path:
    instance = tmp_path / "instance"
    write_config(instance, plugins=[], base_url="https://beteiligung.example.de", **settings)
    return instance


def _start(instance, port, **env):
    environ = {**os.environ, "MITSPRACHE_INSTANCE": str(instance), "MITSPRACHE_BIND": f"127.0.0.1:{port}",
               "MITSPRACHE_WORKERS": "2", "MITSPRACHE_THREADS": "1", **env}
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.Popen([GUNICORN, "-c", "python:core.gunicorn_conf"], env=environ, cwd=instance,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _get(url, headers=None, attempts=100):
    """GET with retries while the server starts (no sleep-based timing in assertions: only waiting)."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except ConnectionError:
            time.sleep(0.1)
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionError):
                raise
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _stop(server) -> str:
    server.terminate()
    output, _ = server.communicate(timeout=30)
    return output


def test_several_workers_serve_probes_json_logs_and_metrics(tmp_path, unused_port):
    from click.testing import CliRunner

    from core.cli import build_cli

    metrics_port = unused_port + 1 if unused_port < 65000 else unused_port - 1
    instance = _instance(tmp_path, log_format="json", metrics=True, metrics_bind=f"127.0.0.1:{metrics_port}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MITSPRACHE_INSTANCE", str(instance))
        assert CliRunner().invoke(build_cli(), ["db", "upgrade"]).exit_code == 0
    server = _start(instance, unused_port)
    try:
        base = f"http://127.0.0.1:{unused_port}"
        status, _, body = _get(f"{base}/readyz")  # by address: the load balancer's way
        assert status == 200 and json.loads(body)["status"] == "ok"
        ids = [_get(f"{base}/healthz")[1]["X-Request-ID"] for _ in range(20)]
        assert len(set(ids)) == 20
        _, _, figures = _get(f"http://127.0.0.1:{metrics_port}/metrics")
        counted = sum(float(value) for value in re.findall(
            r'^mitsprache_http_request_total\{method="GET",status="200"\} (\S+)$', figures, re.M))
        assert counted >= 21  # every worker's requests, summed by the master
    finally:
        output = _stop(server)
    request_lines = [json.loads(line) for line in output.splitlines()
                     if line.startswith("{") and '"mitsprache.request"' in line]
    assert {line["request_id"] for line in request_lines} >= set(ids)
    assert len({line.get("path") for line in request_lines}) <= 2


def test_a_deployment_that_is_not_ready_does_not_start(tmp_path, unused_port):
    """preload: the schema check runs in the master, before any worker forks, and says what to do."""
    instance = _instance(tmp_path)
    server = _start(instance, unused_port)
    output, _ = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "the database schema is behind" in output and "mitsprache db upgrade" in output
    assert "Booting worker" not in output
