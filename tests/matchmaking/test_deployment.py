"""Deployments: matchmaking alone shows nothing of other plugins; with all of them, challenges are item types."""
from __future__ import annotations

import re

from core.toolkit import db

OTHERS = ("comments", "commenting", "ideas", "voting")


def test_only_matchmaking_enabled(world, login):
    w = world(plugins=("matchmaking",))
    endpoints = {rule.endpoint.split(".")[0] for rule in w.app.url_map.iter_rules()}
    assert "matchmaking" in endpoints and not endpoints & set(OTHERS)
    client = login(w.app, w.people.ben)
    for url in (f"/p/{w.slug}", w.base, f"{w.base}/challenges/{w.challenge}", f"{w.base}/dashboard", "/"):
        page = client.get(url).get_data(as_text=True)
        for other in OTHERS:
            assert f"/plugins/{other}/" not in page and f"/{other}" not in page.replace("/matchmaking", "")
    registry = w.app.extensions["mitsprache"].registry
    assert set(registry.phase_kinds) == {"matchmaking"}
    assert set(registry.item_types) == {"challenge", "initiative"}
    assert set(registry.exporters) == {"challenges", "initiatives", "connections"}
    project_page = client.get(f"/p/{w.slug}").get_data(as_text=True)
    assert "Matchmaking" in project_page


def test_with_every_plugin_challenges_offer_comments_and_votes(world, login):
    w = world(plugins=("comments", "commenting", "ideas", "voting", "matchmaking"))
    registry = w.app.extensions["mitsprache"].registry
    assert "challenge" in registry.items_offering("comments") and "challenge" in registry.items_offering("votes")
    with w.app.test_request_context():
        item_type = registry.item_types["challenge"]
        loaded = item_type.load([w.challenge])
        assert item_type.title_of(loaded[w.challenge]).startswith("Wie können wir")
        assert item_type.url(loaded[w.challenge]).endswith(f"/challenges/{w.challenge}")
    client = login(w.app, w.people.anna)
    assert client.get(f"{w.base}/challenges/{w.challenge}").status_code == 200


def test_a_project_without_a_matchmaking_phase_has_no_matchmaking_pages(make_app, users, project_with_phase, login):
    from core.testing import T0

    app = make_app(plugins=["ideas", "comments", "matchmaking"])
    people = users(app)
    slug, _ = project_with_phase(app, "ideas", start=T0, end=T0.replace(year=2027), people=people)
    client = login(app, people.anna)
    assert client.get(f"/p/{slug}/matchmaking").status_code == 404
    assert "Matchmaking" not in client.get(f"/p/{slug}").get_data(as_text=True)


def test_revisions_match_models(assert_revisions_match_models):
    """The revisions build the models; the full-text index (raw DDL, no model) is the one table beside them.

    SQLite's FTS5 makes a virtual table and its shadow tables, PostgreSQL a table
    with a tsvector; neither is a SQLAlchemy model, so the core's check lists
    them as strays. Everything else must match.
    """
    try:
        assert_revisions_match_models("matchmaking")
    except AssertionError as failure:
        problems = [line.strip()[2:] for line in str(failure).splitlines() if line.strip().startswith("- ")]
        index = re.compile(r"table matchmaking_search(_(config|content|data|docsize|idx))? is made by a revision, "
                           r"but no model has it")
        assert problems and not [p for p in problems if not index.fullmatch(p)], str(failure)


def test_search_works_on_a_migrated_database(make_app, world):
    from plugins.matchmaking.search import search

    app = make_app(plugins=["matchmaking"], MIGRATIONS_FRESH_CREATE_ALL=False)
    w = world(app=app)
    with app.app_context():
        assert [hit.id for hit in search("challenge", "Offliner")] == [w.challenge]


def test_demo_seeds_a_matchmaking_project(make_app, login):
    from core.demo import seed_demo
    from plugins.matchmaking.models import Connection, Interest

    for plugins in (["matchmaking"], ["comments", "commenting", "ideas", "voting", "matchmaking"]):
        app = make_app(plugins=plugins)
        with app.app_context():
            seed_demo()
            states = set(db.session.scalars(db.select(Interest.state)))
            outcomes = set(db.session.scalars(db.select(Connection.outcome)))
        assert {"pending", "declined", "accepted"} <= states and {"pilot_agreed", "adopted"} <= outcomes
        client = app.test_client()
        base = "/p/innovationsnetz-niedersachsen/matchmaking"
        for url in (base, f"{base}/initiatives", f"{base}/challenges/1", f"{base}/regions/03", f"{base}/organisations"):
            assert client.get(url).status_code == 200, url
        from core.toolkit import User

        with app.app_context():
            ben = db.session.scalar(db.select(User).where(User.email == "ben@example.org"))
            ben = type("P", (), {"id": ben.id})
        dashboard = login(app, ben).get(f"{base}/dashboard").get_data(as_text=True)
        assert "Pflegenetz digital" in dashboard and "soziales@celle.example" not in dashboard.split("Connected")[0]
