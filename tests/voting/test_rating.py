"""Rating phases: supporting, rating up/down, limits, phase boundaries, sorting and exports."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from core.extensions import db
from core.testing import count_queries
from tests.conftest import T0
from tests.voting.conftest import END, votes

HX = {"HX-Request": "true"}


def vote(client, thing_id, value, htmx=False, headers=None):
    headers = {**(HX if htmx else {}), **(headers or {})}
    return client.post(f"/voting/vote/thing/{thing_id}", data={"value": str(value)}, headers=headers)


def widget(page: str, thing_id: int) -> str:
    match = re.search(rf'<div class="voting-widget[^"]*" id="voting-thing-{thing_id}".*?</div>', page, re.S)
    assert match, f"no widget for thing {thing_id}"
    return match.group(0)


def test_support_and_withdraw_without_js(rating, login):
    r = rating()
    anna = login(r.app, r.people.anna)
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    first = widget(page, r.things[0])
    assert 'aria-pressed="false"' in first and "Support" in first and "0 supporters" in first
    assert 'hx-target="this"' in first and 'hx-swap="outerHTML"' in first
    assert 'method="post"' in first and 'name="csrf_token"' in first

    response = vote(anna, r.things[0], 1, headers={"Referer": f"http://localhost/p/{r.slug}/things"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{r.slug}/things")
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "You support “Benches”." in page
    first = widget(page, r.things[0])
    assert 'aria-pressed="true"' in first and "1 supporter" in first and "withdraw support" in first
    assert votes(r.app) == [(r.things[0], r.people.anna.id, 1)]

    # Repeating the same request (a retry, a double click) changes nothing.
    vote(anna, r.things[0], 1)
    assert votes(r.app) == [(r.things[0], r.people.anna.id, 1)]

    vote(anna, r.things[0], 0)
    assert votes(r.app) == []
    vote(anna, r.things[0], 0)
    assert votes(r.app) == []


def test_htmx_vote_returns_only_the_widget(rating, login):
    r = rating()
    login(r.app, r.people.ben).post(f"/voting/vote/thing/{r.things[0]}", data={"value": "1"})
    anna = login(r.app, r.people.anna)
    response = vote(anna, r.things[0], 1, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<div class="voting-widget voting-support voting-active" id="voting-thing-{r.things[0]}"')
    assert "<html" not in body and "2 supporters" in body and 'aria-pressed="true"' in body
    assert 'hx-swap-oob="innerHTML:#flash"' in body and "You support “Benches”." in body
    assert "HX-Request" in response.headers["Vary"]


def test_support_mode_refuses_down_votes_and_garbage(rating, login):
    r = rating()
    anna = login(r.app, r.people.anna)
    assert vote(anna, r.things[0], -1).status_code == 400
    assert vote(anna, r.things[0], "lots").status_code == 400
    assert anna.post("/voting/vote/nothing/1", data={"value": "1"}).status_code == 404
    assert vote(anna, 9999, 1).status_code == 404
    assert votes(r.app) == []


def test_csrf_is_required(rating, login):
    r = rating()
    response = login(r.app, r.people.anna).post(f"/voting/vote/thing/{r.things[0]}", data={"value": "1"}, csrf=False)
    assert response.status_code == 400
    assert votes(r.app) == []


def test_updown_mode(rating, login):
    r = rating(mode="updown")
    anna, ben, cem = (login(r.app, p) for p in (r.people.anna, r.people.ben, r.people.moderator))
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "Rate up" in widget(page, r.things[0]) and "Rate down" in widget(page, r.things[0])
    vote(anna, r.things[0], 1)
    vote(ben, r.things[0], -1)
    vote(cem, r.things[0], -1)
    body = vote(anna, r.things[0], -1, htmx=True).get_data(as_text=True)  # anna changes her mind
    assert "0 up, 3 down (score -3)" in body
    assert re.search(r'id="voting-down-thing-\d+"[^>]*aria-pressed="true"', body)
    assert votes(r.app) == sorted([(r.things[0], r.people.anna.id, -1), (r.things[0], r.people.ben.id, -1),
                                   (r.things[0], r.people.moderator.id, -1)])
    vote(anna, r.things[0], 0)
    assert len(votes(r.app)) == 2


def test_vote_limit_and_votes_left(rating, login):
    r = rating(max_votes=2)
    anna = login(r.app, r.people.anna)
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "You have 2 of 2 votes left." in page
    body = vote(anna, r.things[0], 1, htmx=True).get_data(as_text=True)
    assert "You have 1 of 2 votes left." in body
    # Every "votes left" line on the page is updated out of band.
    assert 'hx-swap-oob="innerHTML:.voting-left-' in body
    vote(anna, r.things[1], 1)
    assert "You have 0 of 2 votes left." in anna.get(f"/p/{r.slug}/things").get_data(as_text=True)

    response = vote(anna, r.things[2], 1, htmx=True)
    assert response.status_code == 409
    assert "You have used all 2 votes. Withdraw one to vote for this." in response.get_data(as_text=True)
    response = vote(anna, r.things[2], 1)
    assert response.status_code == 302
    assert "You have used all 2 votes." in anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert len(votes(r.app)) == 2

    vote(anna, r.things[0], 0)  # withdraw one, then the third thing can be supported
    assert vote(anna, r.things[2], 1, htmx=True).status_code == 200
    assert {v[0] for v in votes(r.app)} == {r.things[1], r.things[2]}
    # The limit is per person: Ben still has both votes.
    assert "You have 2 of 2 votes left." in login(r.app, r.people.ben).get(f"/p/{r.slug}/things").get_data(as_text=True)


def test_votes_on_deleted_items_do_not_use_up_the_limit(rating, login):
    from tests.voting.things_plugin import Thing

    r = rating(max_votes=1)
    anna = login(r.app, r.people.anna)
    vote(anna, r.things[0], 1)
    with r.app.app_context():
        db.session.delete(db.session.get(Thing, r.things[0]))
        db.session.commit()
    assert vote(anna, r.things[1], 1, htmx=True).status_code == 200


def test_votes_before_the_phase_are_refused_with_a_date(rating, login, clock):
    r = rating(start=T0 + timedelta(days=1))
    anna = login(r.app, r.people.anna)
    response = vote(anna, r.things[0], 1)
    assert response.status_code == 403
    assert "Participation starts on 30 March 2026, 12:00." in response.get_data(as_text=True)
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "Rating starts on 30 March 2026, 12:00." in page and "<button type=\"submit\" id=\"voting-support" not in page
    response = vote(anna, r.things[0], 1, htmx=True)
    assert response.status_code == 403 and response.headers["HX-Retarget"] == "#flash"
    assert votes(r.app) == []


def test_votes_after_the_phase_are_refused_and_counts_stay_visible(rating, login, clock):
    r = rating()
    anna = login(r.app, r.people.anna)
    vote(anna, r.things[0], 1)
    clock.set(END)
    response = vote(anna, r.things[0], 0, headers={"Accept-Language": "de"})
    assert response.status_code == 403
    assert "Die Beteiligung endete am 8. April 2026, 12:00 Uhr." in response.get_data(as_text=True)
    assert vote(login(r.app, r.people.ben), r.things[1], 1).status_code == 403
    assert votes(r.app) == [(r.things[0], r.people.anna.id, 1)]
    page = anna.get(f"/p/{r.slug}/things").get_data(as_text=True)
    first = widget(page, r.things[0])
    assert "1 supporter" in first and "Rating ended on 8 April 2026." in first
    assert "<button" not in first and "<form" not in first


def test_anonymous_votes_are_sent_to_login(rating, login):
    r = rating()
    anonymous = r.app.test_client()
    page = anonymous.get(f"/p/{r.slug}/things").get_data(as_text=True)
    first = widget(page, r.things[0])
    assert "Log in to support" in first and "<button" not in first and "0 supporters" in first
    response = vote(anonymous, r.things[0], 1)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = vote(anonymous, r.things[0], 1, htmx=True)
    assert response.status_code == 204 and "/login" in response.headers["HX-Redirect"]
    assert votes(r.app) == []


def test_private_project_items_are_not_found(rating, login):
    from core.models import Project

    r = rating()
    with r.app.app_context():
        db.session.scalar(db.select(Project)).is_public = False
        db.session.commit()
    assert vote(login(r.app, r.people.anna), r.things[0], 1).status_code == 404
    assert votes(r.app) == []


def test_widgets_for_a_list_cost_one_query(rating, login):
    r = rating(titles=[f"Thing {i}" for i in range(30)])
    anna = login(r.app, r.people.anna)
    for thing in r.things[:5]:
        vote(anna, thing, 1)
    from flask_login import login_user

    from core.models import User
    from core.template_helpers import item_fragments

    with r.app.test_request_context(f"/p/{r.slug}/things"):
        login_user(db.session.get(User, r.people.ben.id))
        from tests.voting.things_plugin import Thing

        things = db.session.scalars(db.select(Thing)).all()
        for thing in things:
            _ = thing.project.phases  # the list's owner has its items and project loaded
        with count_queries(r.app) as statements:
            fragments = item_fragments("thing", things)
    assert len(fragments) == 30
    assert len([s for s in statements if "voting_vote" in s]) == 1, statements


def test_voting_disabled_shows_no_widget(rating, login):
    r = rating(plugins=())
    page = login(r.app, r.people.anna).get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "Benches" in page and "voting-widget" not in page and "Most supported" not in page


def _sorted_titles(client, slug):
    page = client.get(f"/p/{slug}/things?sort=support").get_data(as_text=True)
    return re.findall(r"<h2>([^<]+)</h2>", page)


def test_sort_by_support_uses_a_correlated_subquery(rating, login, clock):
    r = rating(mode="updown")
    people = [r.people.anna, r.people.ben, r.people.moderator, r.people.initiator]
    clients = [login(r.app, p) for p in people]
    for client in clients[:3]:
        vote(client, r.things[2], 1)  # Lights: +3
    for client in clients[:2]:
        vote(client, r.things[1], 1)  # Trees: +2
    vote(clients[0], r.things[3], -1)  # Toilets: -1
    page = clients[0].get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "Highest rated" in page
    assert _sorted_titles(clients[0], r.slug) == ["Lights", "Trees", "Benches", "Toilets"]
    clock.set(END + timedelta(days=1))  # after the phase the order is kept
    assert _sorted_titles(clients[0], r.slug) == ["Lights", "Trees", "Benches", "Toilets"]


def test_no_sort_option_before_the_rating_phase(rating, login):
    r = rating(start=T0 + timedelta(days=1))
    page = login(r.app, r.people.anna).get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert "Most supported" not in page


def test_export_columns_and_vote_counts(rating, login):
    r = rating()
    for person in (r.people.anna, r.people.ben):
        vote(login(r.app, person), r.things[1], 1)
    vote(login(r.app, r.people.anna), r.things[0], 1)
    initiator = login(r.app, r.people.initiator)
    text = initiator.get(f"/p/{r.slug}/export/things.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "title", "Supports"]
    assert rows[1:] == [[str(r.things[0]), "Benches", "1"], [str(r.things[1]), "Trees", "2"],
                        [str(r.things[2]), "Lights", "0"], [str(r.things[3]), "Toilets", "0"]]
    assert login(r.app, r.people.anna).get(f"/p/{r.slug}/export/things.csv").status_code == 403

    from plugins.voting.api import ZERO, vote_counts

    with r.app.app_context():
        counts = vote_counts("thing", r.things)
        assert counts[r.things[1]] == {"up": 2, "down": 0, "score": 2}
        assert counts.get(r.things[2], ZERO) == ZERO
        assert vote_counts("thing", r.things, phase_id=r.phase_id + 100) == {}


def test_export_columns_in_updown_mode(rating, login):
    r = rating(mode="updown")
    vote(login(r.app, r.people.anna), r.things[0], 1)
    vote(login(r.app, r.people.ben), r.things[0], -1)
    vote(login(r.app, r.people.moderator), r.things[0], -1)
    text = login(r.app, r.people.initiator).get(f"/p/{r.slug}/export/things.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["id", "title", "Up votes", "Down votes", "Score"]
    assert rows[1] == [str(r.things[0]), "Benches", "1", "2", "-1"]


def test_rating_phase_take_part_leads_to_the_list(rating, login):
    r = rating()
    page = r.app.test_client().get(f"/p/{r.slug}").get_data(as_text=True)
    assert f'href="/p/{r.slug}/rating"' in page
    response = r.app.test_client().get(f"/p/{r.slug}/rating")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{r.slug}/things")


def test_german_widget(rating, login):
    r = rating(max_votes=3)
    page = login(r.app, r.people.anna).get(f"/p/{r.slug}/things", headers={"Accept-Language": "de"}).get_data(as_text=True)
    first = widget(page, r.things[0])
    assert "Unterstützen" in first and "0 Unterstützungen" in first and "Sie haben noch 3 von 3 Stimmen." in first
