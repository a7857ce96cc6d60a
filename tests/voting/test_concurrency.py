"""Exact counts under concurrency: many requests at once, each in its own thread, app context and
database session, against the real database (SQLite here, PostgreSQL with MITSPRACHE_TEST_DATABASE_URL)."""
from __future__ import annotations

from types import SimpleNamespace

from core.extensions import db
from core.services import create_user
from tests.helpers import run_at_once
from tests.voting.conftest import votes

THREADS = 12


def make_people(app, n):
    with app.app_context():
        made = [create_user(f"person{i}@example.org", "password-x", f"Person {i}") for i in range(n)]
        db.session.commit()
        return [SimpleNamespace(id=u.id) for u in made]


def post(client, thing_id, value):
    def job():
        return client.post(f"/voting/vote/thing/{thing_id}", data={"value": str(value)},
                           headers={"HX-Request": "true"}).status_code

    return job


def test_many_people_voting_at_once_lose_nothing(rating, login):
    r = rating()
    people = make_people(r.app, THREADS)
    clients = [login(r.app, p) for p in people]
    for client in clients:
        client.csrf_token()  # fetch tokens before the race
    statuses = run_at_once([post(c, r.things[0], 1) for c in clients])
    assert statuses == [200] * THREADS
    assert len(votes(r.app)) == THREADS
    page = clients[0].get(f"/p/{r.slug}/things").get_data(as_text=True)
    assert f"{THREADS} supporters" in page


def test_one_person_hammering_one_item_counts_once(rating, login):
    r = rating()
    clients = [login(r.app, r.people.anna) for _ in range(THREADS)]  # e.g. several browsers and retries
    for client in clients:
        client.csrf_token()
    statuses = run_at_once([post(c, r.things[0], 1) for c in clients])
    assert set(statuses) == {200}
    assert votes(r.app) == [(r.things[0], r.people.anna.id, 1)]
    statuses = run_at_once([post(c, r.things[0], 0) for c in clients])
    assert set(statuses) == {200}
    assert votes(r.app) == []


def test_the_vote_limit_holds_under_concurrency(rating, login):
    r = rating(max_votes=3, titles=[f"Thing {i}" for i in range(THREADS)])
    clients = [login(r.app, r.people.anna) for _ in range(THREADS)]
    for client in clients:
        client.csrf_token()
    statuses = run_at_once([post(c, thing, 1) for c, thing in zip(clients, r.things)])
    assert sorted(statuses) == [200] * 3 + [409] * (THREADS - 3)
    assert len(votes(r.app)) == 3


def test_mixed_voting_and_withdrawing_at_once_stays_consistent(rating, login):
    r = rating(mode="updown", max_votes=2)
    people = make_people(r.app, 6)
    jobs = []
    for person in people:
        for _ in range(2):  # two tabs per person
            client = login(r.app, person)
            client.csrf_token()
            jobs += [post(client, r.things[0], 1), post(client, r.things[1], -1), post(client, r.things[2], 1)]
    run_at_once(jobs)
    stored = votes(r.app)
    per_person: dict[int, list] = {}
    for item_id, user_id, _value in stored:
        per_person.setdefault(user_id, []).append(item_id)
    assert set(per_person) == {p.id for p in people}
    # Never more than the limit, never a duplicate.
    assert all(len(items) == 2 and len(set(items)) == 2 for items in per_person.values())
