"""Voting disabled in the config: ideas work alone, and nothing of voting shows or answers."""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from tests.integration.conftest import (
    IDEAS_END, IDEAS_ONLY, RATING_START, listed_titles, stored_votes, submit_idea, support,
)

VOTING_TRACES = ("voting-widget", "Most supported", "supporter", "votes left", "Support", "Rating", "/voting/")


def _assert_no_voting(page: str):
    for trace in VOTING_TRACES:
        assert trace not in page, trace


def _export_headers(client, slug):
    text = client.get(f"/p/{slug}/export/ideas.csv").get_data(as_text=True).lstrip("\ufeff")
    csv_headers = next(csv.reader(io.StringIO(text)))
    xlsx = client.get(f"/p/{slug}/export/ideas.xlsx")
    xlsx_headers = list(next(load_workbook(io.BytesIO(xlsx.data)).active.values))
    return csv_headers, xlsx_headers


def test_ideas_work_without_voting(kiez, login, clock):
    k = kiez(plugins=IDEAS_ONLY)
    anna, ben = login(k.app, k.people.anna), login(k.app, k.people.ben)
    trees = submit_idea(anna, k, "Mehr Bäume")
    clock.advance(hours=1)
    submit_idea(ben, k, "Zebrastreifen an der Kita", "Verkehr")

    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert listed_titles(page) == ["Zebrastreifen an der Kita", "Mehr Bäume"]
    _assert_no_voting(page)
    assert '<option value="newest" selected>Newest first</option>' in page
    assert '<option value="discussed" >Most discussed</option>' in page
    # An unknown sort key (an old "most supported" link) falls back to the default order.
    assert listed_titles(anna.get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)) == listed_titles(page)
    _assert_no_voting(anna.get(f"/p/{k.slug}/ideas/{trees}").get_data(as_text=True))
    _assert_no_voting(anna.get(f"/p/{k.slug}").get_data(as_text=True))

    # The vote URLs do not exist.
    assert support(ben, trees).status_code == 404
    assert support(ben, trees, htmx=True).status_code == 404
    assert anna.get(f"/p/{k.slug}/rating").status_code == 404
    assert anna.get(f"/p/{k.slug}/poll").status_code == 404

    initiator = login(k.app, k.people.initiator)
    csv_headers, xlsx_headers = _export_headers(initiator, k.slug)
    assert csv_headers[:9] == ["Idea no.", "Title", "Description", "Category", "Location", "Author", "Created", "Status", "Comments"]
    assert xlsx_headers == [h + " (Europe/Berlin)" if h == "Created" else h for h in csv_headers]
    _assert_no_voting(initiator.get(f"/p/{k.slug}/manage").get_data(as_text=True))

    # After the ideas phase the list stays readable, with the core's dated notice.
    clock.set(IDEAS_END)
    page = anna.get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert "Participation ended on 31 March 2026, 12:00." in page and "Submit an idea" not in page
    assert listed_titles(page) == ["Zebrastreifen an der Kita", "Mehr Bäume"]
    _assert_no_voting(page)


def test_disabling_voting_later_hides_its_rating_phase_and_votes(kiez, reopen, login, clock):
    """The same database, first with voting (ideas supported in phase 2), then voting switched off."""
    k = kiez()
    trees = submit_idea(login(k.app, k.people.anna), k, "Mehr Bäume")
    clock.advance(hours=1)
    crossing = submit_idea(login(k.app, k.people.ben), k, "Zebrastreifen an der Kita", "Verkehr")
    clock.set(RATING_START)
    for person in (k.people.anna, k.people.ben):
        assert support(login(k.app, person), trees).status_code == 302
    assert len(stored_votes(k.app)) == 2

    plain = reopen(k.app, IDEAS_ONLY)
    anna = login(plain, k.people.anna)
    page = anna.get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)
    assert listed_titles(page) == ["Zebrastreifen an der Kita", "Mehr Bäume"]  # newest first: votes play no part
    _assert_no_voting(page)
    project_page = anna.get(f"/p/{k.slug}").get_data(as_text=True)
    assert "Abstimmen" not in project_page  # the rating phase's kind is unknown now
    _assert_no_voting(project_page)
    _assert_no_voting(anna.get(f"/p/{k.slug}/ideas/{trees}").get_data(as_text=True))
    assert support(anna, crossing).status_code == 404
    for headers in _export_headers(login(plain, k.people.initiator), k.slug):
        assert "supports" not in headers
    assert len(stored_votes(k.app)) == 2  # kept, for when voting is enabled again
