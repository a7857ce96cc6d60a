"""Many participants supporting real ideas at the same moment, each thread with its own HTTP client
(own session, own database connection): nothing is lost, nothing counted twice, the limit holds.
Runs on SQLite and, with MITSPRACHE_TEST_DATABASE_URL, on PostgreSQL."""
from __future__ import annotations

import csv
import io
from collections import Counter

from tests.helpers import run_at_once
from tests.integration.conftest import RATING_START, listed_titles, make_people, stored_votes, submit_idea, widget

PEOPLE = 12


def post(client, idea_id, value=1):
    def job():
        return client.post(f"/voting/vote/idea/{idea_id}", data={"value": str(value)},
                           headers={"HX-Request": "true"}).status_code

    return job


def _ready_clients(app, login, person, n):
    clients = [login(app, person) for _ in range(n)]
    for client in clients:
        client.csrf_token()  # fetch tokens before the race
    return clients


def test_many_people_supporting_at_once_count_exactly_once(kiez, login, clock):
    k = kiez()
    ideas = [submit_idea(login(k.app, k.people.anna), k, title) for title in ("Mehr Bäume", "Bänke am Kanal", "Kiezfest")]
    clock.set(RATING_START)
    people = make_people(k.app, PEOPLE)
    jobs, expected = [], set()
    for n, person in enumerate(people):
        first, second = _ready_clients(k.app, login, person, 2)  # two tabs, or a double click
        jobs += [post(first, ideas[0]), post(second, ideas[0])]
        expected.add(("idea", ideas[0], person.id, 1))
        if n % 2 == 0:  # every second person also supports the bench idea
            jobs.append(post(first, ideas[1]))
            expected.add(("idea", ideas[1], person.id, 1))
    statuses = run_at_once(jobs)

    assert statuses == [200] * len(jobs)
    assert set(stored_votes(k.app)) == expected and len(stored_votes(k.app)) == len(expected)
    page = login(k.app, k.people.ben).get(f"/p/{k.slug}/ideas?sort=support").get_data(as_text=True)
    assert listed_titles(page) == ["Mehr Bäume", "Bänke am Kanal", "Kiezfest"]
    assert f"{PEOPLE} supporters" in widget(page, ideas[0])
    assert f"{PEOPLE // 2} supporters" in widget(page, ideas[1])
    assert "0 supporters" in widget(page, ideas[2])
    text = login(k.app, k.people.initiator).get(f"/p/{k.slug}/export/ideas.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {int(r[0]): int(r[-1]) for r in rows[1:]} == {ideas[0]: PEOPLE, ideas[1]: PEOPLE // 2, ideas[2]: 0}


def test_supporting_and_withdrawing_at_once_leaves_each_persons_last_word(kiez, login, clock):
    k = kiez()
    idea = submit_idea(login(k.app, k.people.anna), k, "Mehr Bäume")
    clock.set(RATING_START)
    people = make_people(k.app, PEOPLE)
    # Half of the people support already; at the same moment everybody sends "support" from one
    # tab, and the supporters also "withdraw" from another.
    supporters = people[: PEOPLE // 2]
    run_at_once([post(_ready_clients(k.app, login, p, 1)[0], idea) for p in supporters])
    jobs = []
    for person in people:
        tab = _ready_clients(k.app, login, person, 1)[0]
        jobs.append(post(tab, idea, 1))
        if person in supporters:
            jobs.append(post(_ready_clients(k.app, login, person, 1)[0], idea, 0))
    assert set(run_at_once(jobs)) == {200}
    stored = stored_votes(k.app)
    per_person = Counter(user_id for _t, _i, user_id, _v in stored)
    assert all(n == 1 for n in per_person.values())  # never a duplicate
    assert {p.id for p in people[PEOPLE // 2:]} <= set(per_person)  # nobody who only supported was lost
    page = login(k.app, k.people.ben).get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert f"{len(stored)} supporter" in widget(page, idea)


def test_the_vote_limit_holds_when_one_person_supports_many_ideas_at_once(kiez, login, clock):
    k = kiez(max_votes=3)
    anna = login(k.app, k.people.anna)
    ideas = [submit_idea(anna, k, f"Idee {n}") for n in range(PEOPLE)]
    clock.set(RATING_START)
    clients = _ready_clients(k.app, login, k.people.ben, PEOPLE)
    statuses = run_at_once([post(c, i) for c, i in zip(clients, ideas)])
    assert sorted(statuses) == [200] * 3 + [409] * (PEOPLE - 3)
    assert len(stored_votes(k.app)) == 3
    page = clients[0].get(f"/p/{k.slug}/ideas").get_data(as_text=True)
    assert page.count("You have 0 of 3 votes left.") == PEOPLE
