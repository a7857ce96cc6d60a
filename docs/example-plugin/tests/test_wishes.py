"""The wish wall and its rules: people pin wishes only while a ``wishes`` phase is active, and take down only their own.

The fixtures (make_app, users, login, clock, project_with_phase) and T0 come
with Mitsprache itself (``core.testing``, a pytest plugin): ``pip install
mitsprache[test]`` is all these tests need, no checkout of Mitsprache.
"""
from datetime import timedelta

from core.testing import T0
from core.toolkit import create_project, db
from mitsprache_wishes.models import Wish

WEEK = timedelta(days=7)


def test_participants_post_while_the_phase_is_active(make_app, users, login, clock, project_with_phase):
    app = make_app(plugins=["wishes"])
    people = users(app)
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + WEEK, people=people)
    client = login(app, people.anna)

    page = client.post(f"/p/{slug}/wishes", data={"text": "Wann kommt der Radweg?"}, follow_redirects=True)
    assert "Wann kommt der Radweg? – Anna" in page.get_data(as_text=True)

    clock.advance(days=7)  # tests travel in time, they never sleep
    late = client.post(f"/p/{slug}/wishes", data={"text": "Und die Bänke?"})
    assert late.status_code == 403
    assert "Participation ended on 5 April 2026, 12:00." in late.get_data(as_text=True)


def test_visitors_read_and_are_asked_to_log_in(make_app, project_with_phase):
    app = make_app(plugins=["wishes"])
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + WEEK)
    client = app.test_client()
    page = client.get(f"/p/{slug}/wishes").get_data(as_text=True)
    assert "Nothing has been posted yet." in page and 'name="text"' not in page
    assert client.post(f"/p/{slug}/wishes", data={"text": "Hallo"}).headers["Location"].startswith("/login")


def test_a_tab_only_on_projects_with_a_wishes_phase(make_app, project_with_phase):
    app = make_app(plugins=["wishes"])
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + WEEK)
    with app.app_context():
        create_project("elsewhere", "Elsewhere", "")
        db.session.commit()
    client = app.test_client()
    assert f'href="/p/{slug}/wishes"' in client.get(f"/p/{slug}").get_data(as_text=True)
    assert 'href="/p/elsewhere/wishes"' not in client.get("/p/elsewhere").get_data(as_text=True)


def test_the_page_speaks_german(make_app, project_with_phase):
    app = make_app(plugins=["wishes"])
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + WEEK)
    page = app.test_client().get(f"/p/{slug}/wishes", headers={"Accept-Language": "de"})
    assert "Hier wurde noch nichts veröffentlicht." in page.get_data(as_text=True)


def test_disabled_it_leaves_no_trace(make_app):
    app = make_app(plugins=[])
    with app.app_context():
        create_project("city-plan", "City plan", "")
        db.session.commit()
        assert "wishes_wish" not in db.inspect(db.engine).get_table_names()
    assert app.test_client().get("/p/city-plan/wishes").status_code == 404


def test_only_the_author_takes_a_wish_down(make_app, users, login, project_with_phase):
    app = make_app(plugins=["wishes"])
    people = users(app)
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + WEEK, people=people)
    anna, ben = login(app, people.anna), login(app, people.ben)
    anna.post(f"/p/{slug}/wishes", data={"text": "Mehr Bänke", "colour": "green"})
    with app.app_context():
        assert db.session.execute(db.select(Wish.id, Wish.colour)).one() == (1, "green")

    refused = ben.post(f"/p/{slug}/wishes/1/delete")
    assert refused.status_code == 403
    assert "Only the person who pinned a wish can take it down." in refused.get_data(as_text=True)
    taken_down = anna.post(f"/p/{slug}/wishes/1/delete", follow_redirects=True)
    assert "Your wish was taken down." in taken_down.get_data(as_text=True)
