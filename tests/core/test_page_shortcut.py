"""Anonymous pages answered from their recipe before the view runs, and only while that is right."""
from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.testing import T0, count_queries
from tests.core.test_http_caching import thread  # noqa: F401  (the fixture)


def _statements(app, client, url, **kwargs):
    with count_queries(app) as statements:
        response = client.get(url, **kwargs)
    return response, statements


def test_the_second_anonymous_request_costs_one_query(thread):  # noqa: F811
    app, _people, url, chapter = thread
    reader = app.test_client()
    for page in (url, chapter):
        first, _ = _statements(app, reader, page)
        again, statements = _statements(app, reader, page)
        assert again.status_code == 200 and again.get_data() == first.get_data()
        assert len(statements) == 1 and "core_cache_scope" in statements[0]  # the versions, nothing else
        assert again.headers["ETag"] == first.headers["ETag"] and "public" in again.headers["Cache-Control"]
        conditional, statements = _statements(app, reader, page, headers={"If-None-Match": first.headers["ETag"]})
        assert conditional.status_code == 304 and len(statements) == 1


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
