"""What became of the ideas, on an idea phase's results page: counts per status and category."""
from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.testing import count_queries
from tests.ideas.conftest import make_idea
from tests.results_helpers import figure_rows, key_figure, publish_results


def _decide(app, idea_id, status):
    from plugins.ideas.models import Idea

    with app.app_context():
        db.session.get(Idea, idea_id).set_review_status(status)
        db.session.commit()


def test_results_count_ideas_per_status_and_category(ideas_app, setup_ideas, login, clock):
    ctx = setup_ideas(ideas_app)
    anna, ben = ctx.people.anna, ctx.people.ben
    made = [make_idea(ideas_app, ctx, anna, f"Idee {n}", category="Grün" if n < 3 else "Verkehr") for n in range(5)]
    make_idea(ideas_app, ctx, ben, "Ohne Kategorie")
    make_idea(ideas_app, ctx, ben, "Versteckt", category="Grün", hidden_reason="Werbung")
    for idea_id, status in zip(made, ("accepted", "accepted", "rejected", "implemented")):
        _decide(ideas_app, idea_id, status)
    clock.advance(days=11)
    page = login(ideas_app, None).get(publish_results(ideas_app, ctx.phase_id)).get_data(as_text=True)
    assert key_figure(page, "Ideas submitted") == "6"  # the hidden one is not counted
    assert figure_rows(page, "ideas-status") == [
        ("Under review", "0", "0%"), ("Accepted", "2", "33%"), ("Partly accepted", "0", "0%"), ("Rejected", "1", "17%"),
        ("Implemented", "1", "17%"), ("No decision yet", "2", "33%")]
    assert figure_rows(page, "ideas-categories") == [("Grün", "3", "50%"), ("Verkehr", "2", "33%"),
                                                      ("Without category", "1", "17%")]
    assert f'href="/p/{ctx.slug}/ideas?status=accepted"' in page


def test_results_page_query_count_does_not_grow_with_ideas(ideas_app, setup_ideas, login, clock):
    ctx = setup_ideas(ideas_app)
    url = publish_results(ideas_app, ctx.phase_id)
    clock.advance(days=11)
    client = login(ideas_app, ctx.people.anna)
    client.get(url)  # the reader's small facts (unread count, tabs) are cached from here on
    counts = []
    for batch in (2, 40):
        for n in range(batch):
            make_idea(ideas_app, ctx, ctx.people.anna, f"Idee {batch}-{n}", category=("Grün", "Verkehr")[n % 2],
                      created_at=ctx.start + timedelta(hours=1))
        with count_queries(ideas_app) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
