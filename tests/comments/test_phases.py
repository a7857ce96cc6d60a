"""Every write is refused outside the active phase, with nothing stored and the dated reason shown."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.comments.conftest import END, START, rows, seed


@pytest.fixture
def comment_by_anna(world):
    return seed(world.app, world, world.people.anna, "Vorher geschrieben")


WRITES = [
    ("create", lambda w, cid: (w.thread, {"text": "Zu spät"})),
    ("reply", lambda w, cid: (w.thread, {"text": "Zu spät", "parent_id": cid})),
    ("edit", lambda w, cid: (f"/comments/c/{cid}/edit", {"text": "Geändert"})),
    ("delete", lambda w, cid: (f"/comments/c/{cid}/delete", {})),
]


@pytest.mark.parametrize("name,write", WRITES, ids=[w[0] for w in WRITES])
def test_writes_after_the_end_are_refused_with_the_date(world, login, clock, comment_by_anna, name, write):
    clock.set(END + timedelta(minutes=1))
    url, data = write(world, comment_by_anna)
    response = login(world.app, world.people.anna).post(url, data=data)
    assert response.status_code == 403
    # 10 days after T0 is 8 April 2026, 10:00 UTC = 12:00 in Berlin.
    assert "Participation ended on 8 April 2026, 12:00." in response.get_data(as_text=True)
    [comment] = rows(world.app)
    assert (comment.text, comment.status) == ("Vorher geschrieben", "visible")


def test_votes_before_the_start_are_refused(world, login, clock, comment_by_anna):
    clock.set(START - timedelta(seconds=1))
    response = login(world.app, world.people.ben).post(f"/comments/c/{comment_by_anna}/vote", data={"value": "agree"})
    assert response.status_code == 403
    assert "Participation starts on 28 March 2026, 11:00." in response.get_data(as_text=True)
    from plugins.comments.models import Vote
    from core.extensions import db

    with world.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Vote.id))) == 0


def test_writes_at_the_boundaries(world, login, clock):
    client = login(world.app, world.people.anna)
    clock.set(START)
    assert client.post(world.thread, data={"text": "Am Anfang"}).status_code == 302
    clock.set(END - timedelta(seconds=1))
    assert client.post(world.thread, data={"text": "Letzte Sekunde"}).status_code == 302
    clock.set(END)
    assert client.post(world.thread, data={"text": "Am Ende"}).status_code == 403
    assert [c.text for c in rows(world.app)] == ["Am Anfang", "Letzte Sekunde"]


def test_after_the_phase_text_stays_readable_and_forms_are_gone(world, login, clock, comment_by_anna):
    seed(world.app, world, world.people.ben, "Eine Antwort", parent=comment_by_anna)
    clock.set(END + timedelta(days=1))
    html = login(world.app, world.people.anna).get(world.page).get_data(as_text=True)
    assert "Vorher geschrieben" in html and "Show 1 reply" in html
    replies = login(world.app, world.people.anna).get(f"/comments/c/{comment_by_anna}").get_data(as_text=True)
    assert "Vorher geschrieben" in replies and "Eine Antwort" in replies
    for gone in ("/reply", "/edit", "/delete", "<textarea"):
        assert gone not in replies, gone
    assert "Participation ended on 8 April 2026, 12:00." in html
    for gone in ("Publish comment", "/reply", "/edit", "/delete", 'name="value"', "<textarea"):
        assert gone not in html, gone
    assert "1 person agrees" not in html and "0 people agree" in html
    german = login(world.app, world.people.anna).get(world.page, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Die Beteiligung endete am 8. April 2026, 12:00 Uhr." in german
    # Reply forms cannot be fetched either.
    assert login(world.app, world.people.anna).get(f"/comments/c/{comment_by_anna}/reply").status_code == 403


def test_before_the_phase_the_thread_says_when_it_starts(world, login, clock):
    clock.set(START - timedelta(days=1))
    html = login(world.app, world.people.anna).get(world.page).get_data(as_text=True)
    assert "Participation starts on 28 March 2026, 11:00." in html and "<textarea" not in html


def test_moderation_is_not_bound_to_the_phase(world, login, clock, comment_by_anna):
    clock.set(END + timedelta(days=30))
    moderator = login(world.app, world.people.moderator)
    assert moderator.post(f"/comments/c/{comment_by_anna}/hide", data={"reason": "Beleidigung"}).status_code == 302
    assert rows(world.app)[0].status == "hidden"
    assert moderator.get(f"/p/{world.slug}/comments/moderation").status_code == 200
