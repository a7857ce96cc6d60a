"""Request ids and JSON logs: one id per request, on its answer, its log lines and its error page."""
from __future__ import annotations

import io
import json
import logging

import pytest

from core.logs import configure_logging
from core.request_id import choose_id

NGINX_ID = "3f9c2a0d5b7e4f1a9c8d7e6f5a4b3c2d"


@pytest.fixture
def json_log(root_logger):
    """configure_logging(json) into a buffer; the lines it wrote, parsed."""
    stream = io.StringIO()

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    def setup(**settings):
        configure_logging({"LOG_FORMAT": "json", **settings}, stream=stream)
        return lines

    return setup


def test_every_answer_carries_a_fresh_request_id(make_app):
    client = make_app(plugins=[]).test_client()
    first, second = client.get("/").headers["X-Request-ID"], client.get("/").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize(("proxies", "header", "taken"), [
    (1, NGINX_ID, True),
    (1, "0f8e2c1a-7b3d-4e5f-9a8b-1c2d3e4f5a6b", True),
    (0, NGINX_ID, False),                       # no proxy in front: clients cannot choose their id
    (1, 'abc" injected=1', False),              # not a plain token
    (1, "short", False),
    (1, "x" * 200, False),
    (1, "line\nbreak-0123456789", False),
])
def test_the_id_of_a_trusted_proxy_is_kept_when_it_is_a_sane_token(proxies, header, taken):
    chosen = choose_id(header, trusted_proxy=bool(proxies))
    assert (chosen == header) is taken
    if not taken:
        assert len(chosen) == 32 and chosen.isalnum()


def test_behind_a_proxy_its_id_is_answered_back(make_app):
    client = make_app(plugins=[], proxies=1).test_client()
    assert client.get("/", headers={"X-Request-ID": NGINX_ID}).headers["X-Request-ID"] == NGINX_ID


def test_json_log_lines_of_a_request_share_its_id(make_app, users, login, json_log):
    app = make_app(plugins=[], proxies=1)
    people = users(app)
    lines = json_log()
    client = login(app, people.anna)

    @app.get("/_log_something")
    def log_something():
        from flask_login import current_user

        logging.getLogger("mitsprache.test").warning("mail for anna@example.org could not be sent")
        return f"done for {current_user.id}"

    client.get("/_log_something", headers={"X-Request-ID": NGINX_ID})
    own = [line for line in lines() if line.get("request_id") == NGINX_ID]
    warning, request_line = own[0], own[-1]
    assert warning["logger"] == "mitsprache.test" and warning["level"] == "WARNING"
    assert warning["message"] == "mail for <e-mail> could not be sent"  # no addresses in logs by default
    assert warning["method"] == "GET" and warning["path"] == "/_log_something"
    assert request_line["logger"] == "mitsprache.request"
    assert request_line["status"] == 200 and request_line["duration_ms"] >= 0
    assert request_line["user_id"] == people.anna.id
    assert request_line["time"].endswith("Z")
    assert "client" not in request_line and "127.0.0.1" not in json.dumps(own)


def test_addresses_are_logged_only_when_configured(make_app, json_log):
    app = make_app(plugins=[])
    lines = json_log(LOG_PERSONAL_DATA=True)
    logging.getLogger("mitsprache.test").warning("for anna@example.org")
    app.test_client().get("/")
    assert lines()[0]["message"] == "for anna@example.org"
    assert lines()[-1]["client"] == "127.0.0.1"


def test_reset_tokens_never_reach_the_log(make_app, json_log):
    app = make_app(plugins=[])
    lines = json_log()
    app.test_client().get("/reset/secret-reset-token-123")
    request_line = lines()[-1]
    assert request_line["path"] == "/reset/<token>"
    assert "secret-reset-token-123" not in json.dumps(lines())


def test_an_error_is_logged_with_its_id_and_the_page_shows_it(make_app, json_log):
    app = make_app(plugins=[])
    lines = json_log()

    @app.get("/_broken")
    def broken():
        raise RuntimeError("boom")

    for lang, label in (("en", "please quote this reference"), ("de", "nennen Sie bitte diese Kennung")):
        response = app.test_client().get("/_broken", headers={"Accept-Language": lang})
        request_id = response.headers["X-Request-ID"]
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert label in page and f"<code>{request_id}</code>" in page
        error = next(line for line in lines() if line.get("request_id") == request_id and line["level"] == "ERROR")
        assert "RuntimeError: boom" in error["exception"]


def test_htmx_error_messages_carry_the_reference_too(make_app):
    app = make_app(plugins=[])

    @app.get("/_broken")
    def broken():
        raise RuntimeError("boom")

    response = app.test_client().get("/_broken", headers={"HX-Request": "true"})
    assert response.headers["HX-Retarget"] == "#flash"
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_text_logs_carry_the_request_id_too(make_app, root_logger):
    app = make_app(plugins=[])
    stream = io.StringIO()
    configure_logging({"LOG_FORMAT": "text"}, stream=stream)
    configure_logging({"LOG_FORMAT": "text"}, stream=stream)  # a second call replaces, never doubles
    request_id = app.test_client().get("/").headers["X-Request-ID"]
    request_lines = [line for line in stream.getvalue().splitlines() if "mitsprache.request" in line]
    assert len(request_lines) == 1 and f"[{request_id}] GET / 200" in request_lines[0]


@pytest.mark.parametrize("settings", [{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "LOUD"}])
def test_a_wrong_log_setting_is_one_clear_error(settings):
    from core.config import ConfigError

    with pytest.raises(ConfigError, match="log_"):
        configure_logging(settings, stream=io.StringIO())
