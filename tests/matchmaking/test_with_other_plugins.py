"""Matchmaking next to comments and voting: challenges are discussed and supported through the core's item types.

Matchmaking imports neither plugin: it declares challenges (and initiatives)
as item types offering comments and votes, and prints ``item_sections`` and
``item_fragments`` on their pages; comments and voting find them in the core.
"""
from __future__ import annotations


def test_a_challenge_is_discussed_on_its_page_when_comments_are_on(world, login):
    w = world(plugins=("matchmaking", "comments"))
    page_url = f"{w.base}/challenges/{w.challenge}"
    visitor_page = login(w.app).get(page_url).get_data(as_text=True)
    assert 'id="comments-challenge-' in visitor_page or "comments-challenge" in visitor_page
    anna = login(w.app, w.people.anna)
    posted = anna.post(f"/comments/challenge/{w.challenge}", data={"text": "Wir hätten Ehrenamtliche in Celle."})
    assert posted.status_code == 302
    assert "Wir hätten Ehrenamtliche in Celle." in login(w.app).get(page_url).get_data(as_text=True)


def test_without_comments_a_challenge_page_has_no_discussion(world, login):
    w = world()
    page = login(w.app).get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert "comments-challenge" not in page and "/comments/" not in page
