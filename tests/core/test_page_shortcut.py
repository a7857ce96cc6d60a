"""Anonymous pages answered from their recipe in front of the app, and only while that is right."""
from __future__ import annotations

import logging
from datetime import timedelta

from core.extensions import db
from core.testing import T0, count_queries
from tests.core.test_http_caching import thread  # noqa: F401  (the fixture)


def _statements(app, client, url, **kwargs):
    with count_queries(app) as statements:
        response = client.get(url, **kwargs)
    return response, statements


def test_the_second_anonymous_request_never_reaches_the_app(thread):  # noqa: F811
    app, _people, url, chapter = thread
    reader = app.test_client()
    for page in (url, chapter):
        first, _ = _statements(app, reader, page)
        again, statements = _statements(app, reader, page)
        assert again.status_code == 200 and again.get_data() == first.get_data()
        # Every page the app renders loads its project through SQLAlchemy; the front door reads only
        # the versions, on the driver's cursor, which SQLAlchemy's events do not see.
        assert statements == []
        assert again.headers["ETag"] == first.headers["ETag"] and "public" in again.headers["Cache-Control"]
        conditional, statements = _statements(app, reader, page, headers={"If-None-Match": first.headers["ETag"]})
        assert conditional.status_code == 304 and statements == [] and conditional.get_data() == b""


def test_the_answer_carries_what_the_apps_answer_carries(thread):  # noqa: F811
    app, _people, url, _chapter = thread
    reader = app.test_client()
    first = reader.get(url)
    again = reader.get(url)
    for name in ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options",
                 "Referrer-Policy", "Cache-Control", "Vary", "ETag", "Last-Modified", "Content-Length"):
        assert again.headers.get(name) == first.headers.get(name), name
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]  # each request its own id
    assert "Set-Cookie" not in again.headers
    head = reader.head(url)
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == first.headers["ETag"]
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_hsts_only_over_https(thread):  # noqa: F811
    app, _people, url, _chapter = thread
    reader = app.test_client()
    reader.get(url)
    assert "Strict-Transport-Security" not in reader.get(url).headers
    secure = app.test_client()
    secure.get(url, base_url="https://localhost")
    assert secure.get(url, base_url="https://localhost").headers["Strict-Transport-Security"].startswith("max-age=")


def test_each_answer_is_logged_with_its_request_id(thread, caplog):  # noqa: F811
    app, _people, url, _chapter = thread
    reader = app.test_client()
    from core.logs import RequestContextFilter

    reader.get(url)
    adds_the_id = RequestContextFilter()  # as the deployment's log handler has it
    caplog.handler.addFilter(adds_the_id)
    try:
        with caplog.at_level(logging.INFO, logger="mitsprache.request"):
            answer = reader.get(url)
    finally:
        caplog.handler.removeFilter(adds_the_id)  # pytest keeps one capturing handler for every test
    lines = [record for record in caplog.records if record.name == "mitsprache.request"]
    assert len(lines) == 1 and lines[0].status == 200 and url in lines[0].getMessage()
    assert lines[0].request_id == answer.headers["X-Request-ID"]


def test_a_host_the_site_does_not_serve_goes_to_the_app(make_app, thread):  # noqa: F811
    app, _people, url, _chapter = thread
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    reader = app.test_client()
    assert reader.get(url).status_code == 200
    assert reader.get(url).status_code == 200
    assert reader.get(url, headers={"Host": "evil.example"}).status_code == 400


def test_with_metrics_on_its_answers_are_counted_apart(make_app, users, project_with_phase):
    from prometheus_client import generate_latest

    from core.models import Project
    from plugins.commenting import services

    app = make_app(plugins=["comments", "commenting"], metrics=True)
    slug, _ = project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(days=1),
                                 people=users(app))
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        chapter = services.add_chapter(services.create_document(project, "Entwurf"), "Eins")
        db.session.commit()
        page = f"/p/{slug}/documents/chapter/{chapter.id}"
    reader = app.test_client()
    assert reader.get(page).status_code == 200
    assert reader.get(page).status_code == 200
    figures = generate_latest(app.extensions["metrics"].registry).decode()
    assert 'mitsprache_page_shortcut_total{status="200"} 1.0' in figures


def test_when_the_database_is_away_the_app_answers(thread, monkeypatch):  # noqa: F811
    from core import cache_scopes

    app, _people, url, _chapter = thread
    reader = app.test_client()
    reader.get(url)

    def away(*args, **kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr(cache_scopes, "read_versions", away)
    page, statements = _statements(app, reader, url)
    assert page.status_code == 200 and statements  # the app rendered it


def test_a_write_is_seen_at_once(thread, login):  # noqa: F811
    app, people, url, _chapter = thread
    reader = app.test_client()
    reader.get(url)
    reader.get(url)
    assert login(app, people.anna).post(url, data={"text": "Ganz neu"}).status_code == 302
    assert "Ganz neu" in reader.get(url).get_data(as_text=True)


def test_the_deadline_is_never_hidden_behind_a_recipe(thread, clock):  # noqa: F811
    app, _people, url, _chapter = thread
    reader = app.test_client()
    open_page = reader.get(url).get_data(as_text=True)
    assert "Participation ended" not in open_page
    clock.set(T0 + timedelta(minutes=11))  # the phase ended: no write, only time
    ended = reader.get(url).get_data(as_text=True)
    assert "Participation ended" in ended


def test_a_project_made_private_is_not_served_from_a_recipe(thread):  # noqa: F811
    from core.models import Project

    app, _people, url, chapter = thread
    reader = app.test_client()
    assert reader.get(chapter).status_code == 200
    assert reader.get(chapter).status_code == 200
    with app.app_context():
        project = db.session.scalar(db.select(Project))
        project.is_public = False
        db.session.commit()
    assert reader.get(chapter).status_code == 404
    assert reader.get(url).status_code == 404


def test_readers_with_a_cookie_go_through_the_view(thread, login):  # noqa: F811
    app, people, url, _chapter = thread
    app.test_client().get(url)  # a recipe exists
    anna = login(app, people.anna)
    page, statements = _statements(app, anna, url)
    assert page.status_code == 200 and len(statements) > 1 and "public" not in page.headers.get("Cache-Control", "")
    assert "Log out" in page.get_data(as_text=True)
