"""Allocation of event slots: capacities hold, the summed preference is the best possible, nobody is forgotten.

Speed is measured by bench/matchmaking.py, not here.
"""
from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from plugins.matchmaking.allocation import Meeting, allocate


def check_capacities(result, wishes, body_capacity, initiative_capacity):
    pairs = [(m.body, m.initiative) for m in result.meetings]
    assert len(pairs) == len(set(pairs)), "a pair meets twice"
    for body, initiative in pairs:
        assert initiative in wishes[body], "a meeting nobody wished for"
    for body, count in Counter(b for b, _ in pairs).items():
        assert count <= capacity_of(body_capacity, body)
    for initiative, count in Counter(i for _, i in pairs).items():
        assert count <= capacity_of(initiative_capacity, initiative)


def capacity_of(capacity, key):
    return capacity.get(key, 1) if isinstance(capacity, dict) else capacity


def brute_force(wishes, body_capacity, initiative_capacity):
    """The best (points, bodies served, initiatives served) over every feasible set of wished meetings."""
    longest = max(len(ranked) for ranked in wishes.values())
    edges = [(body, initiative, longest - rank) for body, ranked in wishes.items()
             for rank, initiative in enumerate(ranked)]
    best = (0, 0, 0)
    for chosen in itertools.product((False, True), repeat=len(edges)):
        picked = [edge for edge, on in zip(edges, chosen) if on]
        bodies = Counter(body for body, _, _ in picked)
        initiatives = Counter(initiative for _, initiative, _ in picked)
        if any(n > capacity_of(body_capacity, b) for b, n in bodies.items()):
            continue
        if any(n > capacity_of(initiative_capacity, i) for i, n in initiatives.items()):
            continue
        best = max(best, (sum(points for _, _, points in picked), len(bodies), len(initiatives)))
    return best


def random_case(rnd, bodies=4, initiatives=5, longest=3):
    wishes = {f"body{b}": rnd.sample([f"ini{i}" for i in range(initiatives)], rnd.randint(1, longest))
              for b in range(bodies)}
    body_capacity = {body: rnd.randint(0, 2) for body in wishes}
    initiative_capacity = {f"ini{i}": rnd.randint(0, 2) for i in range(initiatives)}
    return wishes, body_capacity, initiative_capacity


def test_the_example_of_the_docstring():
    result = allocate({"Stadt Celle": ["Digitalpaten", "Pflegenetz"], "Kreis Vechta": ["Digitalpaten"]},
                      body_capacity=2, initiative_capacity=1)
    # Celle's two wishes would score as much, but then Vechta would go home with nothing.
    assert result.meetings == (Meeting("Kreis Vechta", "Digitalpaten", 1, 2), Meeting("Stadt Celle", "Pflegenetz", 2, 1))
    assert result.by_body["Stadt Celle"] == (Meeting("Stadt Celle", "Pflegenetz", 2, 1),)
    assert result.unmatched_bodies == () and result.unmatched_initiatives == ()
    assert (result.total_points, result.wished_points) == (3, 5)


@pytest.mark.parametrize("seed", range(60))
def test_the_summed_preference_is_the_best_possible(seed):
    rnd = random.Random(seed)
    wishes, body_capacity, initiative_capacity = random_case(rnd)
    result = allocate(wishes, body_capacity, initiative_capacity)
    check_capacities(result, wishes, body_capacity, initiative_capacity)
    served = (result.total_points, sum(1 for got in result.by_body.values() if got),
              sum(1 for got in result.by_initiative.values() if got))
    assert served == brute_force(wishes, body_capacity, initiative_capacity)


@pytest.mark.parametrize("seed", range(5))
def test_capacities_hold_on_a_large_catalogue(seed):
    rnd = random.Random(seed)
    initiatives = [f"ini{i:03d}" for i in range(300)]
    wishes = {f"body{b:03d}": rnd.sample(initiatives[:60], rnd.randint(1, 12)) for b in range(120)}
    result = allocate(wishes, 3, 2, initiatives=initiatives)
    check_capacities(result, wishes, 3, 2)
    assert len(result.meetings) <= 120 * 3
    assert result.total_points <= result.wished_points
    # the initiatives nobody wished for are listed as having got nothing
    assert set(initiatives[60:]) <= set(result.unmatched_initiatives)


def test_who_got_nothing():
    wishes = {"Celle": ["Digitalpaten"], "Vechta": ["Digitalpaten"], "Lüneburg": ["Pflegenetz", "Digitalpaten"]}
    result = allocate(wishes, body_capacity=1, initiative_capacity=1, initiatives=["Repair-Café"])
    assert len(result.unmatched_bodies) == 1 and result.unmatched_bodies[0] in {"Celle", "Vechta"}
    assert result.by_body["Lüneburg"] == (Meeting("Lüneburg", "Pflegenetz", 1, 2),)
    assert result.unmatched_initiatives == ("Repair-Café",)
    assert result.by_body[result.unmatched_bodies[0]] == ()


def test_a_pair_meets_once_even_with_room_for_more():
    # With slots copied per capacity (the slot-expanded matrix), the body would meet its favourite twice.
    result = allocate({"Celle": ["Digitalpaten"]}, body_capacity=2, initiative_capacity=2)
    assert result.meetings == (Meeting("Celle", "Digitalpaten", 1, 1),)


def test_capacity_per_body_and_initiative():
    wishes = {"Celle": ["A", "B", "C"], "Vechta": ["A", "B"]}
    result = allocate(wishes, body_capacity={"Celle": 3, "Vechta": 0}, initiative_capacity={"A": 1, "B": 1},
                      default_capacity=1)
    assert [m.initiative for m in result.by_body["Celle"]] == ["A", "B", "C"]
    assert result.unmatched_bodies == ("Vechta",)  # no room for meetings is getting nothing too
    with pytest.raises(ValueError):
        allocate(wishes, body_capacity=-1)
    with pytest.raises(ValueError):
        allocate(wishes, initiative_capacity={"A": 1.5})


def test_repeated_wishes_count_once_and_empty_input():
    result = allocate({"Celle": ["A", "A", "B"]}, 2, 1)
    assert [(m.initiative, m.rank) for m in result.meetings] == [("A", 1), ("B", 2)]
    empty = allocate({})
    assert empty.meetings == () and empty.total_points == 0


def test_the_same_input_gives_the_same_allocation():
    rnd = random.Random(3)
    initiatives = [f"ini{i:02d}" for i in range(40)]
    wishes = {f"body{b:02d}": rnd.sample(initiatives[:15], 6) for b in range(30)}
    expected = allocate(wishes, 2, 2)
    reordered = dict(reversed(list(wishes.items())))
    assert allocate(reordered, 2, 2) == expected


def test_wish_lists_come_from_the_database_in_rank_order(world):
    from core.toolkit import db
    from plugins.matchmaking.allocation import project_wishes
    from plugins.matchmaking.models import Initiative, Organisation, Wish

    w = world()
    with w.app.app_context():
        dorf = Initiative(project_id=w.project_id, organisation=db.session.get(Organisation, w.third),
                          name="Dorfmobil", maturity="pilot")
        db.session.add(dorf)
        db.session.flush()
        db.session.add_all([Wish(project_id=w.project_id, organisation_id=w.body, initiative_id=dorf.id, rank=2),
                            Wish(project_id=w.project_id, organisation_id=w.body, initiative_id=w.initiative, rank=1)])
        db.session.commit()
        wishes = project_wishes(w.project_id)
        assert wishes == {w.body: [w.initiative, dorf.id]}
        result = allocate(wishes, body_capacity=1, initiative_capacity=1)
        assert [(m.body, m.initiative, m.rank) for m in result.meetings] == [(w.body, w.initiative, 1)]
        assert result.unmatched_initiatives == (dorf.id,)
