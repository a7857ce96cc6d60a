"""/healthz and /readyz: what a load balancer asks, answered without cookies, caching or rate limits."""
from __future__ import annotations

import uuid

import pytest

SITE = "https://beteiligung.example.de"


def _site(make_app, **settings):
    return make_app(plugins=[], base_url=SITE, **settings)


def test_healthz_answers_without_touching_the_database(make_app, count_queries):
    app = _site(make_app)
    with count_queries(app) as statements:
        response = app.test_client().get("/healthz", base_url=SITE)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []


def test_readyz_names_each_check(make_app):
    response = _site(make_app).test_client().get("/readyz", base_url=SITE)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok",
                                   "checks": {"database": "ok", "cache": "ok", "task_queue": "ok"}}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_set_no_cookie_are_never_cached_and_never_rate_limited(make_app, path):
    app = _site(make_app, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    client = app.test_client()
    responses = [client.get(path, base_url=SITE) for _ in range(30)]
    assert {r.status_code for r in responses} == {200}
    assert all("Set-Cookie" not in r.headers for r in responses)
    assert all(r.headers["Cache-Control"] == "no-store" for r in responses)
    assert all(r.mimetype == "application/json" for r in responses)


def test_load_balancers_may_probe_by_address_but_no_page_answers_there(make_app):
    """TRUSTED_HOSTS refuses unknown hosts; the probes alone answer under any, since they build no link."""
    client = _site(make_app).test_client()
    by_address = "http://10.0.0.5:8000"
    assert client.get("/healthz", base_url=by_address).status_code == 200
    assert client.get("/readyz", base_url=by_address).status_code == 200
    assert client.get("/readyz", base_url=by_address, headers={"X-Forwarded-Host": "evil.example"}).status_code == 200
    assert client.get("/", base_url=by_address).status_code == 400
    assert client.get("/login", base_url=by_address).status_code == 400
    assert client.post("/readyz", base_url=by_address, csrf=False).status_code == 400


def test_behind_a_proxy_a_forwarded_host_cannot_reach_pages_through_the_probe_rule(make_app):
    client = _site(make_app, proxies=1).test_client()
    assert client.get("/login", base_url=SITE, headers={"X-Forwarded-Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", base_url=SITE, headers={"X-Forwarded-Host": "evil.example"}).status_code == 200


def test_readyz_says_503_and_names_the_database_when_it_is_gone(tmp_path, caplog):
    from core import create_app

    app = create_app({"TESTING": True, "secret_key": "x", "plugins": [], "base_url": SITE,
                      "database_url": "postgresql+psycopg://mitsprache:secret@127.0.0.1:1/gone"},
                     instance_path=tmp_path)  # nothing listens on port 1
    response = app.test_client().get("/readyz", base_url=SITE)
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "fail" and body["checks"]["database"] == "fail"
    assert body["checks"]["cache"] == "ok"
    assert "secret" not in response.get_data(as_text=True)  # reasons go to the log only
    assert "readiness check database failed" in caplog.text


def test_readyz_checks_redis_when_it_is_configured(make_app):
    app = _site(make_app, redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = app.test_client().get("/readyz", base_url=SITE)
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "fail"
    assert response.get_json()["checks"]["database"] == "ok"


def test_readyz_checks_the_task_queue(make_app, monkeypatch):
    app = _site(make_app)
    from core.notifications import tasks

    class Unreachable:
        def queue_size(self):
            raise ConnectionError("queue storage is down")

    monkeypatch.setattr(tasks, "huey_for", lambda _app: type("H", (), {"storage": Unreachable()})())
    response = app.test_client().get("/readyz", base_url=SITE)
    assert response.status_code == 503
    assert response.get_json()["checks"]["task_queue"] == "fail"
