"""Ideas and voting together: ideas collected in phase 1 are supported in phase 2 of the same project.

Everything goes through the HTTP test client, as participants and initiators use it; the clock moves
from phase to phase instead of anybody sleeping.
"""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.integration.conftest import (
    IDEAS_END, IDEAS_START, MAX_VOTES, RATING_END, RATING_START, listed_titles, make_people, stored_votes, submit_idea, support,
    widget,
)

HX = {"HX-Request": "true"}


def _export(client, slug, fmt):
    response = client.get(f"/p/{slug}/export/ideas.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        return [tuple(row) for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))]
    return [tuple("" if v is None else str(v) for v in row) for row in load_workbook(io.BytesIO(response.data)).active.values]


def test_ideas_from_phase_one_are_supported_in_phase_two(kiez, login, clock):
    k = kiez()
    anna, ben = login(k.app, k.people.anna), login(k.app, k.people.ben)
    others = [login(k.app, p) for p in make_people(k.app, 3)]

    # Phase 1: ideas are collected; nobody can support them yet.
    trees = submit_idea(anna, k, "Mehr Bäume", "Grün")
    clock.advance(hours=1)
    crossing = submit_idea(ben, k, "Zebrastreifen an der Kita", "Verkehr")
    clock.advance(hours=1)
    books = submit_idea(anna, k, "Bücherschrank am Markt", "Grün")
    clock.advance(hours=1)
    bench = submit_idea(ben, k, "Bänke am Kanal", "Grün")

    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert listed_titles(page) == ["Bänke am Kanal", "Bücherschrank am Markt", "Zebrastreifen an der Kita", "Mehr Bäume"]
    assert "Submit an idea" in page
    assert "Rating starts on 31 March 2026, 12:00." in widget(page, trees)
    assert "<button" not in widget(page, trees)
    assert "Most supported" not in page  # no sort by support before anybody can support
    response = support(anna, trees)
    assert response.status_code == 403
    assert "Participation starts on 31 March 2026, 12:00." in response.get_data(as_text=True)
    assert support(ben, trees, htmx=True).status_code == 403
    assert stored_votes(k.app) == []

    # Phase 2: no new ideas, but support.
    clock.set(RATING_START)
    response = anna.post(f"/p/{k.slug}/ideas/new", data={"title": "Zu spät", "description": "…",
                                                          "category": str(k.categories["Grün"])})
    assert response.status_code == 403
    assert "This was possible until 31 March 2026, 12:00. Now the phase" in response.get_data(as_text=True)
    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert "Submit an idea" not in page
    assert "Ideas could be submitted until 31 March 2026, 12:00." in page
    assert "Participation ended" not in page  # supporting is participation too, and it is open
    assert '<option value="support" >Most supported</option>' in page
    assert 'aria-pressed="false"' in widget(page, trees) and "0 supporters" in widget(page, trees)
    assert f"You have {MAX_VOTES} of {MAX_VOTES} votes left." in widget(page, trees)

    # books: 3 supporters, trees: 2, crossing: 1, bench: 0.
    for client in (anna, ben, others[0]):
        assert support(client, books).status_code == 302
    for client in (others[1], ben):
        assert support(client, trees).status_code == 302
    response = support(others[2], crossing, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "1 supporter" in body and 'aria-pressed="true"' in body and "You support “Zebrastreifen an der Kita”." in body
    # A retried request changes nothing.
    assert support(anna, books).status_code == 302

    page = anna.get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)
    assert listed_titles(page) == ["Bücherschrank am Markt", "Mehr Bäume", "Zebrastreifen an der Kita", "Bänke am Kanal"]
    assert '<option value="support" selected>Most supported</option>' in page
    assert "3 supporters" in widget(page, books) and 'aria-pressed="true"' in widget(page, books)
    assert "2 supporters" in widget(page, trees) and 'aria-pressed="false"' in widget(page, trees)
    assert "1 supporter" in widget(page, crossing) and "0 supporters" in widget(page, bench)
    # Anna used one of her three votes: every widget on her list says so.
    assert page.count("You have 2 of 3 votes left.") == 4
    # htmx asks for the sorted list only.
    fragment = anna.get(f"/p/{k.slug}/ideas?sort=support", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and listed_titles(fragment) == listed_titles(page)
    # The idea page shows the same widget.
    assert "3 supporters" in widget(anna.get(f"/p/{k.slug}/ideas/{books}").get_data(as_text=True), books)

    # The vote limit: three votes per person.
    assert support(anna, trees).status_code == 302
    assert support(anna, crossing).status_code == 302
    response = support(anna, bench, htmx=True)
    assert response.status_code == 409
    assert "You have used all 3 votes. Withdraw one to vote for this." in response.get_data(as_text=True)
    page = anna.get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)
    assert page.count("You have 0 of 3 votes left.") == 4
    assert support(anna, crossing, value=0).status_code == 302  # withdraw one …
    assert support(anna, bench).status_code == 302  # … and the vote is free again
    expected = {books: 3, trees: 3, crossing: 1, bench: 1}
    assert {i: sum(1 for v in stored_votes(k.app) if v[1] == i) for i in expected} == expected

    # Exports: the ideas table with the supports column, exact numbers, in CSV and XLSX.
    initiator = login(k.app, k.people.initiator)
    for fmt in ("csv", "xlsx"):
        rows = _export(initiator, k.slug, fmt)
        assert rows[0][0] == "Idea no." and rows[0][8] == "Comments" and rows[0][-1] == "Supports"
        assert {int(r[0]): (r[1], int(r[-1])) for r in rows[1:]} == {
            trees: ("Mehr Bäume", 3), crossing: ("Zebrastreifen an der Kita", 1),
            books: ("Bücherschrank am Markt", 3), bench: ("Bänke am Kanal", 1),
        }
    assert anna.get(f"/p/{k.slug}/export/ideas.csv").status_code == 403

    # After phase 2: the counts stay, nothing can be changed any more.
    before = stored_votes(k.app)
    clock.set(RATING_END)
    for client, idea, value in ((anna, bench, 0), (ben, bench, 1), (others[2], crossing, 0)):
        response = client.post(f"/voting/vote/idea/{idea}", data={"value": str(value)}, headers={"Accept-Language": "de"})
        assert response.status_code == 403
        assert "Die Beteiligung endete am 7. April 2026, 12:00 Uhr." in response.get_data(as_text=True)
    assert support(ben, bench, htmx=True).status_code == 403
    assert stored_votes(k.app) == before
    page = anna.get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)
    assert listed_titles(page)[:2] == ["Bücherschrank am Markt", "Mehr Bäume"]  # tie: newest first
    ended = widget(page, trees)
    assert "3 supporters" in ended and "Rating ended on 7 April 2026." in ended and "<button" not in ended
    assert "votes left" not in page
    assert "Ideas could be submitted until 31 March 2026, 12:00." in page


def test_votes_need_the_rating_phase_of_the_ideas_own_project(kiez, login, clock, project_with_phase):
    """An idea can only be supported in its own project's rating phase, not in another project's."""
    k = kiez()
    idea = submit_idea(login(k.app, k.people.anna), k, "Mehr Bäume")
    project_with_phase(k.app, "rating", start=IDEAS_START, end=IDEAS_END, slug="other", title="Other")  # active now, elsewhere
    ben = login(k.app, k.people.ben)
    assert support(ben, idea).status_code == 403
    assert stored_votes(k.app) == []
    clock.set(RATING_START)
    assert support(ben, idea).status_code == 302
    assert stored_votes(k.app) == [("idea", idea, k.people.ben.id, 1)]


def test_hidden_ideas_cannot_be_supported_and_free_their_votes(kiez, login, clock):
    k = kiez(max_votes=1)
    idea = submit_idea(login(k.app, k.people.ben), k, "Werbung für meinen Laden")
    other = submit_idea(login(k.app, k.people.ben), k, "Mehr Bäume")
    clock.set(RATING_START)
    anna = login(k.app, k.people.anna)
    assert support(anna, idea).status_code == 302
    moderator = login(k.app, k.people.moderator)
    assert moderator.post(f"/p/{k.slug}/ideas/{idea}/hide", data={"reason": "Werbung"}).status_code == 302
    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert listed_titles(page) == ["Mehr Bäume"]
    assert "You have 1 of 1 vote left." in widget(page, other)  # the vote on the hidden idea no longer counts
    assert support(anna, idea).status_code == 404
    assert support(anna, other).status_code == 302
    # Moderators still see the hidden idea in the list, without a vote button.
    page = moderator.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert listed_titles(page) == ["Mehr Bäume", "Werbung für meinen Laden"]
    assert f'id="voting-idea-{idea}"' not in page
    # Shown again, the idea counts its supporters again.
    assert moderator.post(f"/p/{k.slug}/ideas/{idea}/restore").status_code == 302
    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert "1 supporter" in widget(page, idea) and 'aria-pressed="true"' in widget(page, idea)
