"""Prometheus metrics: off by default, per view when on, never on the public site."""
from __future__ import annotations

import urllib.request

import pytest
from prometheus_client import generate_latest

from core.config import ConfigError
from core.metrics import parse_bind, serve


def test_off_by_default(make_app):
    app = make_app(plugins=[])
    assert "metrics" not in app.extensions
    assert app.test_client().get("/metrics").status_code == 404


def test_requests_are_counted_by_view_not_by_path(make_app):
    app = make_app(plugins=[], metrics=True)
    client = app.test_client()
    for path in ("/", "/", "/healthz"):
        client.get(path)
    client.get("/p/no-such-project-1")
    client.get("/p/no-such-project-2")
    figures = generate_latest(app.extensions["metrics"].registry).decode()
    assert 'mitsprache_http_request_total{method="GET",status="200"}' in figures
    assert 'endpoint="projects.home"' in figures and 'endpoint="health.healthz"' in figures
    assert "no-such-project" not in figures  # one series per view, however many projects
    assert client.get("/metrics").status_code == 404  # never on the public site


def test_a_single_process_serves_them_on_their_own_address(make_app, unused_port):
    app = make_app(plugins=[], metrics=True, metrics_bind=f"127.0.0.1:{unused_port}")
    app.test_client().get("/")
    address = serve(app)
    assert address == f"http://127.0.0.1:{unused_port}/metrics"
    with urllib.request.urlopen(address, timeout=5) as answer:
        assert 'endpoint="projects.home"' in answer.read().decode()


@pytest.mark.parametrize("bind", ["9200", "localhost:", "host:port"])
def test_a_wrong_bind_address_is_one_clear_error(bind):
    with pytest.raises(ConfigError, match="metrics_bind must look like"):
        parse_bind(bind)


def test_without_the_extra_the_setting_says_what_to_install(make_app, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "prometheus_flask_exporter", None)
    with pytest.raises(ConfigError, match=r"pip install 'mitsprache\[metrics\]'"):
        make_app(plugins=[], metrics=True)


@pytest.mark.parametrize(("raw", "on"), [("true", True), ("yes", True), ("1", True), ("false", False), ("0", False)])
def test_the_switch_reads_the_words_an_environment_variable_holds(tmp_path, monkeypatch, raw, on):
    from flask import Config

    from core.config import load

    monkeypatch.setenv("MITSPRACHE_METRICS", raw)
    settings = Config(".")
    load(settings, tmp_path)
    assert settings["METRICS"] is on


def test_a_switch_that_is_neither_true_nor_false_is_one_clear_error(tmp_path, monkeypatch):
    from flask import Config

    from core.config import load

    monkeypatch.setenv("MITSPRACHE_LOG_PERSONAL_DATA", "maybe")
    with pytest.raises(ConfigError, match="log_personal_data must be true or false"):
        load(Config("."), tmp_path)
