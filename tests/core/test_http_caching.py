"""Anonymous pages answer If-None-Match with 304 and may sit in a proxy for seconds, never past a deadline."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.testing import T0


@pytest.fixture
def thread(make_app, users, project_with_phase):
    """A paragraph's discussion page in a commenting phase that ends 10 minutes after T0."""
    from core.models import Project
    from plugins.commenting import services

    app = make_app(plugins=["comments", "commenting"])
    people = users(app)
    slug, _ = project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(minutes=10),
                                 people=people)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        chapter = services.add_chapter(services.create_document(project, "Entwurf"), "Eins")
        paragraph = services.add_paragraph(chapter, "<p>Absatz</p>")
        db.session.commit()
        return app, people, f"/comments/paragraph/{paragraph.id}", f"/p/{slug}/documents/chapter/{chapter.id}"


def test_etag_and_304_round_trip_without_rendering(thread, login, monkeypatch):
    app, people, url, chapter = thread
    reader = app.test_client()
    first = reader.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Last-Modified"]
    control = first.headers["Cache-Control"]
    assert "public" in control and "max-age=0" in control and "s-maxage=10" in control
    assert "stale-while-revalidate=30" in control
    assert {"Cookie", "Accept-Language", "HX-Request"} <= {v.strip() for v in first.headers["Vary"].split(",")}

    import flask

    def no_rendering(*args, **kwargs):
        raise AssertionError("a 304 must not render")

    monkeypatch.setattr(flask.templating, "_render", no_rendering)
    again = reader.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    monkeypatch.undo()

    # Another language is another page.
    assert reader.get(url, headers={"Accept-Language": "de"}).headers["ETag"] != etag
    # A write to what the page shows changes it.
    anna = login(app, people.anna)
    assert anna.post(url, data={"text": "Neu"}).status_code == 302
    changed = reader.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and "Neu" in changed.get_data(as_text=True)
    assert reader.get(chapter).headers["ETag"]  # the chapter page too


def test_logged_in_pages_get_no_etag_and_stay_private(thread, login):
    app, people, url, _chapter = thread
    etag = app.test_client().get(url).headers["ETag"]
    anna = login(app, people.anna)
    response = anna.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")


def test_a_phase_end_changes_the_etag_without_a_write(thread, clock):
    app, _people, url, chapter = thread
    reader = app.test_client()
    before = {page: reader.get(page) for page in (url, chapter)}
    # A proxy may keep the open page only until the deadline, 10 minutes away: s-maxage + stale <= 600 s.
    clock.advance(minutes=9, seconds=50)
    near = reader.get(url).headers["Cache-Control"]
    assert "s-maxage=10" in near and "stale-while-revalidate=0" in near
    clock.advance(seconds=20)  # the phase has ended; nothing was written
    for page, response in before.items():
        after = reader.get(page, headers={"If-None-Match": response.headers["ETag"]})
        assert after.status_code == 200 and after.headers["ETag"] != response.headers["ETag"]
        assert after.headers["Last-Modified"] != response.headers["Last-Modified"]
