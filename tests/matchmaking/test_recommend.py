"""Recommendations: the obvious best partner ranks first, in both directions, for reasons people can read.

The first part tests the pure scoring (plain data, no app); the second the
loader against a real database (``make_app``), in German and English.
"""
from __future__ import annotations

import random

import pytest

from plugins.matchmaking.recommend import (
    CHALLENGE, INITIATIVE, Profile, Weights, harmonic_mean, rank, region_fit, region_match, score_pair,
)

HANNOVER, REGION_HANNOVER, LUENEBURG, NIEDERSACHSEN, MUENCHEN, BAYERN = (
    "03241001", "03241", "03355022", "03", "09162000", "09",
)
NAMES = {"field": {1: "Pflege", 2: "Digitales", 3: "Mobilität", 4: "Bildung"}}


def label(facet, key):
    return NAMES.get(facet, {}).get(key, key)


def challenge(id=1, **facets):
    values = dict(fields={1, 2}, sdgs={3, 10}, target_groups={"seniors"}, offers={"pilot_site", "data"},
                  regions=(HANNOVER,), stage="open")
    values.update(facets)
    return _profile(id, CHALLENGE, values)


def initiative(id, **facets):
    values = dict(fields=set(), sdgs=set(), target_groups=set(), needs=set(), regions=(BAYERN,), stage="pilot")
    values.update(facets)
    return _profile(id, INITIATIVE, values)


def _profile(id, kind, values):
    sets = {k: frozenset(v) for k, v in values.items() if k not in ("regions", "stage")}
    return Profile(id, kind, regions=tuple(values["regions"]), stage=values["stage"], **sets)


# The catalogue for one challenge of the Region Hannover's care department:
# "Wie können wir ältere Offliner mit digitalen Informationen versorgen?"
CATALOGUE = [
    # the obvious partner: care and digital, for older people, in the same Kreis, needs a pilot site
    initiative(10, fields={1, 2}, sdgs={3}, target_groups={"seniors"}, needs={"pilot_site"}, regions=(REGION_HANNOVER,),
               stage="pilot"),
    # care for older people too, but nationwide and it needs money the body does not offer
    initiative(11, fields={1}, sdgs={3}, target_groups={"seniors"}, needs={"funding"}, regions=("DE",), stage="scaling"),
    # digital, in the same Land, for young people
    initiative(12, fields={2}, sdgs={4}, target_groups={"youth"}, regions=(LUENEBURG,), stage="prototype"),
    # care, far away
    initiative(13, fields={1}, target_groups={"families"}, regions=(MUENCHEN,), stage="idea"),
    # nothing in common but the stage of work
    initiative(14, fields={3}, sdgs={13}, target_groups={"youth"}, regions=(BAYERN,), stage="pilot"),
]


def test_the_obvious_partner_ranks_first_for_a_challenge():
    suggestions = rank(challenge(), CATALOGUE, labels=label)
    assert [s.id for s in suggestions][:2] == [10, 11]
    assert 14 not in [s.id for s in suggestions]  # sharing only the maturity is no reason to meet
    assert all(a.score >= b.score for a, b in zip(suggestions, suggestions[1:]))
    assert 0 < suggestions[-1].score < suggestions[0].score <= 1


def test_the_obvious_partner_ranks_first_for_an_initiative():
    challenges = [
        challenge(1),
        challenge(2, fields={3}, sdgs={11}, target_groups={"youth"}, offers={"data"}, regions=(MUENCHEN,)),
        challenge(3, fields={1}, sdgs={3}, target_groups={"families"}, offers=set(), regions=(BAYERN,), stage="solved"),
    ]
    suggestions = rank(CATALOGUE[0], challenges, labels=label)
    # challenge 2 shares nothing with the initiative: not suggested at all
    assert [s.id for s in suggestions] == [1, 3]


def test_reasons_are_in_the_viewers_words_strongest_first():
    best = rank(challenge(), CATALOGUE, labels=label)[0]
    texts = [str(reason) for reason in best.reasons]
    assert texts[0] == "same fields of action: Pflege, Digitales"
    assert "in your district" in texts
    assert "same target group: seniors" in texts
    assert "seeks what you offer: pilot_site" in texts
    # ...and from the initiative's side: the body offers what it seeks
    back = [str(reason) for reason in score_pair(CATALOGUE[0], challenge(), labels=label).reasons]
    assert "offers what you seek: pilot_site" in back
    assert "maturity fits: pilot" in back


def test_nationwide_and_text_reasons():
    nationwide = [str(r) for r in score_pair(challenge(), CATALOGUE[1], labels=label).reasons]
    assert "active nationwide" in nationwide
    seen_from_nationwide = [str(r) for r in score_pair(CATALOGUE[1], challenge(), labels=label).reasons]
    assert "within your nationwide reach" in seen_from_nationwide
    worded = [str(r) for r in score_pair(challenge(), CATALOGUE[3], text=0.8, labels=label).reasons]
    assert "similar wording" in worded
    assert "similar wording" not in [str(r) for r in score_pair(challenge(), CATALOGUE[3], text=0.1).reasons]


def test_region_fit_follows_the_ags_prefix():
    fits = [
        region_fit([HANNOVER], [HANNOVER]),  # same Gemeinde
        region_fit([HANNOVER], ["03241002"]),  # same Kreis
        region_fit([HANNOVER], ["03254021"]),  # same Regierungsbezirk (Hildesheim)
        region_fit([HANNOVER], [LUENEBURG]),  # same Land
        region_fit([HANNOVER], ["DE"]),  # bundesweit
        region_fit([HANNOVER], [MUENCHEN]),  # elsewhere
    ]
    assert fits == sorted(fits, reverse=True) and len(set(fits)) == len(fits)
    assert fits[-1] == 0
    # Whatever lies inside a region fits at that region's level, either way round.
    assert region_fit([NIEDERSACHSEN], [HANNOVER]) == region_fit([HANNOVER], [NIEDERSACHSEN]) == fits[3]
    assert region_fit([REGION_HANNOVER], [HANNOVER]) == fits[1]
    # A direct hit at Land level (a Land ministry, a Land-wide initiative) beats bundesweit.
    assert region_fit([NIEDERSACHSEN], [NIEDERSACHSEN]) > region_fit([NIEDERSACHSEN], ["DE"]) > 0
    # An initiative active in several regions fits by the closest.
    assert region_fit([HANNOVER], [MUENCHEN, LUENEBURG, "03241003"]) == fits[1]
    assert region_match([HANNOVER], [MUENCHEN, LUENEBURG])[1:3] == ("land", NIEDERSACHSEN)


def test_the_score_is_the_harmonic_mean_of_both_directions():
    pair = score_pair(challenge(), CATALOGUE[0])
    assert pair.score == pytest.approx(harmonic_mean(pair.forward, pair.backward), abs=1e-4)
    assert score_pair(CATALOGUE[0], challenge()).score == pair.score  # symmetric without text
    assert harmonic_mean(1.0, 0.0) == 0


def test_a_pair_that_suits_only_one_side_ranks_below_one_that_suits_both():
    # The initiative claims every field, group and SDG: it covers all the challenge asks for,
    # but the challenge is a small part of what it does, and it needs nothing the body offers.
    everything = initiative(20, fields={1, 2, 3, 4}, sdgs=set(range(1, 18)),
                            target_groups={"seniors", "youth", "families", "migrants"}, needs={"funding", "space"},
                            regions=(REGION_HANNOVER,), stage="pilot")
    one_sided = score_pair(challenge(), everything)
    balanced = score_pair(challenge(), CATALOGUE[0])
    assert one_sided.forward > one_sided.backward
    assert balanced.score > one_sided.score
    assert [s.id for s in rank(challenge(), [everything, CATALOGUE[0]])] == [10, 20]


def test_ranking_is_deterministic():
    crowd = [initiative(100 + i, fields={1 + i % 3}, sdgs={3 + i % 5}, target_groups={"seniors"},
                        regions=(REGION_HANNOVER,) if i % 2 else ("DE",)) for i in range(60)]
    expected = rank(challenge(), crowd, limit=20)
    for seed in range(5):
        shuffled = crowd[:]
        random.Random(seed).shuffle(shuffled)
        assert rank(challenge(), shuffled, limit=20) == expected
    # equal scores: the lower id first
    equal = [s for s in expected if s.score == expected[0].score]
    assert len(equal) > 1 and [s.id for s in equal] == sorted(s.id for s in equal)


def test_weights_change_the_order():
    near = initiative(30, fields={3}, sdgs={3}, regions=(HANNOVER,))  # next door, another field
    related = initiative(31, fields={1, 2}, sdgs={3}, regions=(MUENCHEN,))  # the same fields, far away
    by_region = Weights(region=10, fields=0.5, text=0)
    by_fields = Weights(region=0.5, fields=10, text=0)
    assert [s.id for s in rank(challenge(), [near, related], by_region)] == [30, 31]
    assert [s.id for s in rank(challenge(), [near, related], by_fields)] == [31, 30]
    # a weight of 0 switches a part off, its reason included
    reasons = rank(challenge(), [related], Weights(fields=0))[0].reasons
    assert "field" not in [r.code for r in reasons]


def test_text_relevance_is_an_input():
    twins = [initiative(40, fields={1}, regions=(BAYERN,)), initiative(41, fields={1}, regions=(BAYERN,))]
    assert [s.id for s in rank(challenge(), twins)] == [40, 41]
    assert [s.id for s in rank(challenge(), twins, text={41: 1.0})] == [41, 40]
    # a text hit alone makes a candidate
    stranger = initiative(42, fields={3}, regions=(BAYERN,))
    assert rank(challenge(), [stranger]) == []
    assert [s.id for s in rank(challenge(), [stranger], text={42: 0.9})] == [42]


def test_limit():
    assert len(rank(challenge(), CATALOGUE, limit=2)) == 2
    assert rank(challenge(), CATALOGUE, limit=0) == []


def test_weights_from_stored_settings():
    assert Weights.from_mapping(None) == Weights()
    assert Weights.from_mapping({"fields": "5", "region": 0}).fields == 5.0
    for bad in ({"colour": 1}, {"fields": -1}, {"fields": "viel"}, {"fields": float("nan")}, {"fields": 1000}):
        with pytest.raises(ValueError):
            Weights.from_mapping(bad)
    # what is stored is read leniently: bad entries keep their default
    assert Weights.from_mapping({"colour": 1, "fields": -1, "sdgs": 2}, strict=False) == Weights(sdgs=2)
    assert Weights.from_mapping(Weights(text=0).as_dict()) == Weights(text=0)
