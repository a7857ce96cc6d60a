"""Recommendations: the obvious best partner ranks first, in both directions, for reasons people can read.

The first part tests the pure scoring (plain data, no app); the second the
loader against a real database (``make_app``), in German and English.
"""
from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from flask_babel import force_locale

from core.testing import T0
from plugins.matchmaking.recommend import (
    CHALLENGE, INITIATIVE, Profile, RegionIndex, Weights, harmonic_mean, rank, region_fit, region_match, score_pair,
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


def test_the_fast_region_index_agrees_with_the_pairwise_rule():
    rnd = random.Random(5)

    def code():
        land = rnd.choice(["03", "09", "11"])
        kreis = f"{land}{rnd.choice('012')}{rnd.randint(1, 3):02d}"
        return rnd.choice(["DE", land, kreis[:3], kreis, f"{kreis}{rnd.randint(1, 3):03d}"])

    for _ in range(3000):
        viewer = (code(),)  # a challenge has one region, an initiative several
        candidate = tuple({code() for _ in range(rnd.randint(1, 3))})
        for a, b in ((viewer, candidate), (candidate, viewer)):
            assert RegionIndex(a).match(b) == region_match(a, b), (a, b)


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


# ---------------------------------------------------------------------------
# Against a database: the loader, the project's weights, German and English
# ---------------------------------------------------------------------------


def seed_catalogue(app, project_with_phase, people):
    """A small Land-wide catalogue: one challenge of the Region Hannover, initiatives around it."""
    from core.toolkit import Project, db
    from plugins.matchmaking.models import Challenge, Field, Initiative, Organisation

    slug, _phase = project_with_phase(app, "matchmaking", start=T0 - timedelta(days=1), end=T0 + timedelta(days=30),
                                      people=people)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        fields = {name: Field(project_id=project.id, name=name, position=n)
                  for n, name in enumerate(["Pflege", "Digitales", "Mobilität", "Bildung"])}
        db.session.add_all(fields.values())

        def organisation(name, kind, region):
            org = Organisation(project_id=project.id, kind=kind, name=name, region=region)
            db.session.add(org)
            return org

        body = organisation("Region Hannover, Fachbereich Senioren", "public_body", REGION_HANNOVER)
        bavaria = organisation("Landeshauptstadt München, Sozialreferat", "public_body", MUENCHEN)
        challenge = Challenge(
            project=project, organisation=body, external_id="CH-1", region=REGION_HANNOVER, status="open",
            title="Wie können wir ältere Offliner mit digitalen Informationen versorgen?",
            description="Viele Seniorinnen und Senioren haben kein Internet. Informationen zu Pflege und "
                        "Nachbarschaftshilfe erreichen sie nicht.",
            fields=[fields["Pflege"], fields["Digitales"]],
        )
        challenge.sdgs, challenge.target_groups, challenge.offers = {3, 10}, {"seniors"}, {"pilot_site", "data"}
        other = Challenge(
            project=project, organisation=bavaria, external_id="CH-2", region=MUENCHEN, status="open",
            title="Wie können wir Schulwege sicherer machen?", description="Elterntaxis vor Grundschulen.",
            fields=[fields["Mobilität"]],
        )
        other.sdgs, other.target_groups, other.offers = {11}, {"children"}, {"data"}
        made = {}
        for external_id, name, summary, field_names, needs, sdgs, groups, regions_, maturity in [
            ("INI-1", "Digitalpaten Hannover", "Ehrenamtliche bringen älteren Offlinern digitale Informationen "
             "ins Haus, mit Tablets und Sprechstunden zur Pflege.", ["Pflege", "Digitales"], {"pilot_site"}, {3},
             {"seniors"}, [REGION_HANNOVER], "pilot"),
            ("INI-2", "Pflegenetz Deutschland", "Beratung für pflegende Angehörige.", ["Pflege"], {"funding"}, {3},
             {"seniors"}, ["DE"], "scaling"),
            ("INI-3", "Code for Lüneburg", "Offene Daten und Apps für die Stadt.", ["Digitales"], {"data"}, {9},
             {"youth"}, [LUENEBURG], "prototype"),
            ("INI-4", "Schulweg-Lotsen München", "Kinder gehen gemeinsam zur Schule.", ["Mobilität"], set(), {11},
             {"children"}, [MUENCHEN], "transfer"),
        ]:
            initiative = Initiative(project=project, organisation=organisation(name, "initiative", regions_[0]),
                                    external_id=external_id, name=name, summary=summary, maturity=maturity,
                                    fields=[fields[f] for f in field_names])
            initiative.needs, initiative.sdgs, initiative.target_groups, initiative.regions = needs, sdgs, groups, regions_
            db.session.add(initiative)
            made[external_id] = initiative
        db.session.add_all([challenge, other])
        db.session.commit()
        return slug, {"CH-1": challenge.id, "CH-2": other.id, **{k: v.id for k, v in made.items()}}


@pytest.fixture
def catalogue(make_app, users, project_with_phase):
    app = make_app(plugins=["matchmaking"])
    slug, ids = seed_catalogue(app, project_with_phase, users(app))
    return app, slug, ids


def test_the_loader_ranks_the_obvious_partner_first_both_ways(catalogue, count_queries):
    from core.toolkit import db
    from plugins.matchmaking.models import Challenge, Initiative
    from plugins.matchmaking.recommend import recommend_for_challenge, recommend_for_initiative

    app, _slug, ids = catalogue
    with app.app_context():
        challenge = db.session.get(Challenge, ids["CH-1"])
        with count_queries(app) as statements:
            suggestions = recommend_for_challenge(challenge)
        assert [s.id for s in suggestions][:2] == [ids["INI-1"], ids["INI-2"]]
        assert ids["INI-4"] not in [s.id for s in suggestions]  # Munich's school-way pilots share nothing
        assert len(statements) <= 8  # the catalogue loaded: items, their fields, the field names
        db.session.expire(challenge)
        with count_queries(app) as statements:
            assert recommend_for_challenge(challenge) == suggestions
        # kept in memory: the weights, the content version, the challenge and its fields, one search
        assert len(statements) <= 5, statements
        initiative = db.session.get(Initiative, ids["INI-1"])
        assert [s.id for s in recommend_for_initiative(initiative)][0] == ids["CH-1"]
        munich = db.session.get(Initiative, ids["INI-4"])
        assert [s.id for s in recommend_for_initiative(munich)] == [ids["CH-2"]]
        # the same data, the same list
        assert recommend_for_challenge(challenge) == suggestions
        assert recommend_for_challenge(challenge, exclude=[ids["INI-1"]])[0].id == ids["INI-2"]


def test_reasons_are_localized(catalogue):
    from core.toolkit import db
    from plugins.matchmaking.models import Challenge, Initiative
    from plugins.matchmaking.recommend import recommend_for_challenge, recommend_for_initiative

    app, _slug, ids = catalogue
    with app.test_request_context("/"):
        best = recommend_for_challenge(db.session.get(Challenge, ids["CH-1"]))[0]
        back = recommend_for_initiative(db.session.get(Initiative, ids["INI-1"]))[0]
        with force_locale("en"):
            english = [str(reason) for reason in best.reasons]
            english_back = [str(reason) for reason in back.reasons]
        with force_locale("de"):
            german = [str(reason) for reason in best.reasons]
            german_back = [str(reason) for reason in back.reasons]
    assert "same fields of action: Pflege, Digitales" in english
    assert "in your district: Region Hannover" in english
    assert "same target group: Older people" in english
    assert "similar wording" in english
    assert "offers what you seek: Pilot site / pilot municipality" in english_back
    assert "gleiche Handlungsfelder: Pflege, Digitales" in german
    assert "in Ihrem Kreis: Region Hannover" in german
    assert "ähnliche Beschreibung" in german
    assert any(text.startswith("bietet, was Sie suchen: ") for text in german_back)
    assert len(german) == len(english) and not set(german) & set(english)


def test_the_projects_weights_change_the_order(catalogue):
    from core.toolkit import db
    from plugins.matchmaking.models import Challenge, Settings
    from plugins.matchmaking.recommend import project_weights, recommend_for_challenge

    app, _slug, ids = catalogue
    with app.app_context():
        challenge = db.session.get(Challenge, ids["CH-1"])
        default = [s.id for s in recommend_for_challenge(challenge)]
        assert default.index(ids["INI-2"]) < default.index(ids["INI-3"])
        # An organiser who cares only about the region: Lüneburg (same Land) beats the nationwide network.
        db.session.add(Settings(project_id=challenge.project_id,
                                weights={"fields": 0, "sdgs": 0, "target_groups": 0, "needs_offers": 0,
                                         "maturity": 0, "text": 0, "region": 5}))
        db.session.commit()
        assert project_weights(challenge.project_id).region == 5
        by_region = [s.id for s in recommend_for_challenge(challenge)]
        assert by_region.index(ids["INI-3"]) < by_region.index(ids["INI-2"])


def test_the_catalogue_kept_in_memory_follows_every_write(catalogue):
    """Profiles are loaded once per content version: a new initiative or a changed one counts at once."""
    from core.toolkit import db
    from plugins.matchmaking.models import Challenge, Field, Initiative, Organisation
    from plugins.matchmaking.recommend import recommend_for_challenge

    app, _slug, ids = catalogue
    with app.app_context():
        challenge = db.session.get(Challenge, ids["CH-1"])
        before = [s.id for s in recommend_for_challenge(challenge)]
        assert before.index(ids["INI-3"]) > before.index(ids["INI-2"])
        # Lüneburg's coders take up care for older people in the Region Hannover ...
        coders = db.session.get(Initiative, ids["INI-3"])
        coders.fields = list(db.session.scalars(db.select(Field).where(Field.name.in_(["Pflege", "Digitales"]))))
        coders.target_groups, coders.needs, coders.regions = {"seniors"}, {"pilot_site", "data"}, [HANNOVER]
        coders.sdgs = {3, 10}
        db.session.commit()
        after = recommend_for_challenge(challenge)
        assert [s.id for s in after][:2] == [ids["INI-1"], ids["INI-3"]]
        assert "same target group: Older people" in [str(reason) for reason in after[1].reasons]
        # ... and a new initiative is suggested as soon as it is stored.
        org = Organisation(project_id=challenge.project_id, kind="initiative", name="Neu", region=HANNOVER)
        newcomer = Initiative(project_id=challenge.project_id, organisation=org, name="Sprechstunde digital",
                              maturity="pilot", fields=list(coders.fields))
        newcomer.target_groups, newcomer.regions = {"seniors"}, [HANNOVER]
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id in [s.id for s in recommend_for_challenge(challenge)]


def test_the_command_line(catalogue):
    from plugins.matchmaking.cli import group  # mitsprache matchmaking (the register_commands hook adds it)

    app, slug, ids = catalogue
    runner = app.test_cli_runner()
    result = runner.invoke(group, ["recommend", slug, "--challenge", "CH-1", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["external_id"] for row in rows][:2] == ["INI-1", "INI-2"]
    assert set(rows[0]) == {"id", "external_id", "title", "score", "reasons"}
    assert rows[0]["title"] == "Digitalpaten Hannover" and 0 < rows[0]["score"] <= 1
    assert "in your district: Region Hannover" in rows[0]["reasons"]

    by_id = runner.invoke(group, ["recommend", slug, "--initiative", str(ids["INI-1"]), "--limit", "1"])
    assert by_id.exit_code == 0, by_id.output
    assert "Wie können wir ältere Offliner" in by_id.output and "1. " in by_id.output and " 2. " not in by_id.output

    for args, message in [
        (["nowhere", "--challenge", "CH-1"], "No project 'nowhere'."),
        ([slug, "--challenge", "CH-99"], "has no challenge 'CH-99'"),
        ([slug], "Give either --challenge or --initiative."),
        ([slug, "--challenge", "CH-1", "--initiative", "INI-1"], "Give either --challenge or --initiative."),
    ]:
        failed = runner.invoke(group, ["recommend", *args])
        assert failed.exit_code != 0 and message in failed.output
