"""The poll's answers on a poll phase's results page: votes and shares per question, free texts left out."""
from __future__ import annotations

from core.testing import count_queries
from tests.results_helpers import figure_rows, key_figure, publish_results
from tests.voting.test_poll import answer_data, poll_app  # noqa: F401  (poll_app is a fixture)
from tests.voting.conftest import rating  # noqa: F401  (a fixture)


def test_results_show_each_question_with_votes_and_shares(poll_app, login, clock):
    p = poll_app()
    for person, single, multiple in ((p.people.anna, 0, (1,)), (p.people.ben, 0, (0, 1)),
                                     (p.people.moderator, 1, (3,)), (p.people.admin, 0, (1, 2))):
        assert login(p.app, person).post(f"/p/{p.slug}/poll", data=answer_data(p, single, multiple,
                                                                                 text="Geheim")).status_code == 302
    clock.advance(days=11)
    page = login(p.app, None).get(publish_results(p.app, p.phase_id)).get_data(as_text=True)
    assert "Poll: Park survey" in page and key_figure(page, "People who answered") == "4"
    assert figure_rows(page, f"voting-q{p.q[0].id}") == [("Daily", "3", "75%"), ("Weekly", "1", "25%"),
                                                           ("Never", "0", "0%")]
    assert figure_rows(page, f"voting-q{p.q[1].id}") == [("Benches", "1", "25%"), ("Trees", "3", "75%"),
                                                           ("Toilets", "1", "25%"), ("Lights", "1", "25%")]
    assert "Several answers were possible" in page
    assert "Anything else?" not in page and "Geheim" not in page  # free texts stay with the initiators


def test_results_page_query_count_does_not_grow_with_answers(poll_app, login, clock):
    from types import SimpleNamespace

    from core.extensions import db
    from core.services import create_user

    p = poll_app()
    url = publish_results(p.app, p.phase_id)
    login(p.app, p.people.anna).get("/")  # the reader's unread count is cached from here on
    counts = []
    for batch, voters in enumerate((2, 25)):
        for n in range(voters):
            with p.app.app_context():
                person = create_user(f"voter-{batch}-{n}@example.org", "password-voter", f"Voter {n}")
                db.session.commit()
                person = SimpleNamespace(id=person.id)
            login(p.app, person).post(f"/p/{p.slug}/poll", data=answer_data(p, n % 3, (n % 4,)))
        clock.advance(days=11)  # after the poll, to read its results
        with count_queries(p.app) as statements:
            assert login(p.app, p.people.anna).get(url).status_code == 200
        counts.append(len(statements))
        clock.advance(days=-11)  # back into the poll for the next voters
    assert counts[0] == counts[1], counts


def _support(app, login, person, thing_id, value=1):
    assert login(app, person).post(f"/voting/vote/thing/{thing_id}", data={"value": str(value)}).status_code == 302


def test_a_rating_phase_names_its_most_supported_contributions(rating, login, clock):
    from plugins.voting import results

    r = rating()
    benches, trees, lights, _toilets = r.things
    for person, thing in ((r.people.anna, trees), (r.people.ben, trees), (r.people.moderator, trees),
                          (r.people.anna, benches), (r.people.ben, lights), (r.people.admin, benches)):
        _support(r.app, login, person, thing)
    clock.advance(days=11)
    url = publish_results(r.app, r.phase_id)
    page = login(r.app, None).get(url).get_data(as_text=True)
    assert "Most supported" in page and key_figure(page, "People who voted") == "4"
    # Most supporters first; a tie goes to the item with more votes for, then the older one.
    assert figure_rows(page, "voting-rating") == [("Trees", "3"), ("Benches", "2"), ("Lights", "1")]
    # Only the first TOP are named.
    original = results.TOP
    results.TOP = 2
    try:
        page = login(r.app, None).get(url).get_data(as_text=True)
    finally:
        results.TOP = original
    assert [row[0] for row in figure_rows(page, "voting-rating")] == ["Trees", "Benches"]
    german = login(r.app, None).get(url, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Meiste Unterstützung" in german and "Personen, die abgestimmt haben" in german


def test_a_rating_up_and_down_ranks_by_votes_for_minus_against(rating, login, clock):
    r = rating(mode="updown")
    benches, trees, _lights, _toilets = r.things
    for person, thing, value in ((r.people.anna, trees, 1), (r.people.ben, trees, -1), (r.people.moderator, trees, -1),
                                 (r.people.anna, benches, 1)):
        _support(r.app, login, person, thing, value)
    clock.advance(days=11)
    page = login(r.app, None).get(publish_results(r.app, r.phase_id)).get_data(as_text=True)
    assert figure_rows(page, "voting-rating") == [("Benches 1 for, 0 against", "1"), ("Trees 1 for, 2 against", "-1")]
    assert "Votes for minus against" in page
