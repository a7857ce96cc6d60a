"""Benchmark of matchmaking at programme scale: 1,500 initiatives and 600 challenges in one project.

Run ``make bench`` (or ``.venv/bin/python bench/matchmaking.py --help``). It

1. seeds a fresh SQLite instance with a Germany-wide catalogue: 12 fields of
   action, 600 public bodies with one challenge each and 1,500 initiatives,
   with facets drawn the way a real catalogue looks (fields go with their
   SDGs and target groups, regions spread over the Länder from Gemeinde to
   bundesweit, German texts built from phrases per field), and a wish list
   of 5 to 20 initiatives for every body (popular initiatives wished for more);
2. times "Suggested for you" in-process, as a page calls it, for 200
   challenges and 200 initiatives (a fresh session each time): median, p90, max;
3. serves the app with gunicorn (after ``mitsprache db upgrade``) and the
   minimal Flask app of bench/minimal_app.py with the same settings, and drives
   both with wrk: the initiatives catalogue with filters (field, Land,
   maturity), also with a search word, anonymous;
4. times the event allocation: every body's wish list from the database,
   each body at most 3 meetings, each initiative at most 2.

Targets (issue 10): recommendations for one challenge under 20 ms median;
the filtered catalogue at least 1/5 of the minimal app's throughput;
allocation for 600 x 1,500 with capacities under 2 s. wrk and the server
share the machine's cores, equally for both apps: compare the ratio. wrk is
Debian's package (``make bench`` installs it).

``--compare-scipy`` (when SciPy is importable) also times SciPy's
``linear_sum_assignment`` on the slot-expanded matrix and counts the pairs it
would seat twice (see plugins/matchmaking/ALGORITHMS.md).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from harness import ROOT, Load, gunicorn, machine, mitsprache, percentile, require_wrk, run_wrk

SLUG = "updatedeutschland"

# ---------------------------------------------------------------------------
# A realistic catalogue
# ---------------------------------------------------------------------------

#: Fields of action with the SDGs, target groups and words that go with them.
FIELDS = {
    "Pflege und Gesundheit": ([3, 10], ["seniors", "disabilities", "families"],
                              ["Pflege", "Gesundheit", "Angehörige", "Hausarzt", "Demenz", "Nachbarschaftshilfe"]),
    "Bildung": ([4, 10], ["children", "youth", "families"],
                ["Schule", "Lernen", "Ganztag", "Medienkompetenz", "Nachhilfe", "Ausbildung"]),
    "Mobilität": ([11, 13, 9], ["everyone", "rural", "seniors"],
                  ["Bus", "Rufbus", "Radverkehr", "Schulweg", "Carsharing", "Pendler"]),
    "Klima und Umwelt": ([13, 7, 12, 15], ["everyone", "businesses"],
                         ["Klimaschutz", "Energie", "Hitze", "Bäume", "Reparatur", "Abfall"]),
    "Digitale Verwaltung": ([16, 9], ["administration", "everyone"],
                            ["Verwaltung", "Antrag", "Onlinezugang", "Bürgeramt", "Daten", "Formular"]),
    "Teilhabe und Inklusion": ([10, 5], ["disabilities", "low_income", "seniors"],
                               ["Barrierefreiheit", "Teilhabe", "Einsamkeit", "Begegnung", "Inklusion", "Armut"]),
    "Wohnen": ([11, 1], ["families", "low_income", "seniors"],
               ["Wohnraum", "Leerstand", "Mieten", "Quartier", "Wohnungslosigkeit", "Gemeinschaft"]),
    "Arbeit und Wirtschaft": ([8, 9], ["jobseekers", "businesses", "youth"],
                              ["Fachkräfte", "Innenstadt", "Gründung", "Arbeitsmarkt", "Handwerk", "Einzelhandel"]),
    "Ländlicher Raum": ([11, 2, 15], ["rural", "seniors", "families"],
                        ["Dorf", "Nahversorgung", "Dorfladen", "Landarzt", "Vereine", "Breitband"]),
    "Ehrenamt und Engagement": ([17, 16], ["everyone", "youth", "seniors"],
                                ["Ehrenamt", "Engagement", "Vereine", "Freiwillige", "Nachbarschaft", "Spenden"]),
    "Integration": ([10, 4, 8], ["migrants", "families", "jobseekers"],
                    ["Integration", "Sprache", "Ankommen", "Anerkennung", "Beratung", "Patenschaften"]),
    "Kultur und Freizeit": ([11, 4], ["youth", "everyone", "children"],
                            ["Kultur", "Bibliothek", "Jugendzentrum", "Sport", "Musik", "Treffpunkt"]),
}
#: Länder weighted roughly by the number of Gemeinden, with a few Regierungsbezirke each.
LAENDER = {"01": 4, "02": 1, "03": 9, "04": 1, "05": 10, "06": 6, "07": 7, "08": 9, "09": 12, "10": 2, "11": 1,
           "12": 5, "13": 4, "14": 5, "15": 4, "16": 4}
GROUPS = ["Menschen", "Familien", "Jugendliche", "ältere Menschen", "Unternehmen", "Ehrenamtliche", "Verwaltungen"]
VERBS = ["besser erreichen", "gemeinsam stärken", "digital unterstützen", "vor Ort vernetzen", "einfacher beteiligen",
         "nachhaltig versorgen"]
SENTENCES = [
    "In unserer Kommune fehlt es an {a} und {b}.",
    "Bisher haben wir {a} mit wenig Erfolg ausprobiert.",
    "Viele {g} wissen nicht, wo sie Unterstützung bei {a} finden.",
    "Wir suchen Ideen, wie {a} und {b} zusammen gedacht werden können.",
    "Die Pandemie hat gezeigt, dass {a} für {g} wichtig ist.",
    "Unser Angebot verbindet {a} mit {b} und ist in mehreren Orten erprobt.",
    "Wir arbeiten mit {g} zusammen und bringen Erfahrung mit {a} mit.",
]
PREFIXES = ["Netzwerk", "Initiative", "Projekt", "Plattform", "Verein", "Labor", "Werkstatt", "Lotsen"]
RESOURCES = ["pilot_site", "data", "funding", "contacts", "staff_time", "space"]
SOLUTIONS = ["software", "method", "training", "consulting", "volunteers", "network", "service"]
MATURITIES = ["idea"] * 2 + ["prototype"] * 3 + ["pilot"] * 3 + ["scaling"] * 2 + ["transfer"]
STATUSES = ["open"] * 6 + ["talks"] * 2 + ["piloting"] + ["solved"]


def region(rnd: random.Random, shares: tuple[float, float, float, float]) -> str:
    """A valid AGS key or "DE": shares of (bundesweit, Land, Kreis, Gemeinde)."""
    land = rnd.choices(list(LAENDER), weights=list(LAENDER.values()))[0]
    kreis = f"{land}{rnd.choice('01234') if land not in ('02', '04', '11') else '0'}{rnd.randint(1, 15):02d}"
    level = rnd.choices(["DE", "land", "kreis", "gemeinde"], weights=shares)[0]
    return {"DE": "DE", "land": land, "kreis": kreis, "gemeinde": f"{kreis}{rnd.randint(1, 60):03d}"}[level]


def text_for(rnd: random.Random, field_names: list[str], sentences: int) -> str:
    words = [w for name in field_names for w in FIELDS[name][2]]
    return " ".join(rnd.choice(SENTENCES).format(a=rnd.choice(words), b=rnd.choice(words), g=rnd.choice(GROUPS))
                    for _ in range(sentences))


def facets_for(rnd: random.Random, field_names: list[str]) -> tuple[set, set]:
    sdgs = {sdg for name in field_names for sdg in rnd.sample(FIELDS[name][0], rnd.randint(1, len(FIELDS[name][0])))}
    groups = {group for name in field_names for group in rnd.sample(FIELDS[name][1], rnd.randint(1, 2))}
    if rnd.random() < 0.2:
        sdgs.add(rnd.randint(1, 17))
    return sdgs, groups


def seed(instance: Path, challenges: int, initiatives: int, seed_value: int) -> dict:
    """Fill a new instance; returns what the scenarios need."""
    from core import create_app
    from core.app import create_all_tables
    from core.clock import now
    from core.config import write_config
    from core.extensions import db
    from core.services import add_phase, create_project
    from plugins.matchmaking.models import Challenge, Field, Initiative, Organisation, Wish

    write_config(instance, plugins=["matchmaking"], default_locale="de", ratelimit_enabled=False,
                 environment="development")
    app = create_app(instance_path=instance, startup_checks=False)
    rnd = random.Random(seed_value)
    with app.app_context():
        create_all_tables()
        project = create_project(SLUG, "UpdateDeutschland (Benchmark)", "<p>Challenges treffen Initiativen.</p>")
        start = now() - timedelta(days=1)
        add_phase(project, "matchmaking", "Matchmaking", start, start + timedelta(days=60), settings={"wishlist": True})
        fields = {name: Field(project_id=project.id, name=name, position=n) for n, name in enumerate(FIELDS)}
        db.session.add_all(fields.values())
        db.session.flush()
        names = list(FIELDS)
        for n in range(challenges):
            chosen = rnd.sample(names, rnd.choice([1, 1, 2, 2, 3]))
            where = region(rnd, (0.03, 0.12, 0.35, 0.5))
            body = Organisation(project_id=project.id, kind="public_body", name=f"Kommune {n:03d}", region=where)
            topic = rnd.choice(FIELDS[chosen[0]][2])
            item = Challenge(
                project_id=project.id, organisation=body, external_id=f"CH-{n:03d}", region=where,
                status=rnd.choice(STATUSES), fields=[fields[name] for name in chosen],
                title=f"Wie können wir {rnd.choice(GROUPS)} beim Thema {topic} {rnd.choice(VERBS)}?",
                description=text_for(rnd, chosen, rnd.randint(3, 6)), tried=text_for(rnd, chosen, 1),
            )
            item.sdgs, item.target_groups = facets_for(rnd, chosen)
            item.offers = set(rnd.sample(RESOURCES, rnd.randint(0, 3)))
            db.session.add(item)
        for n in range(initiatives):
            chosen = rnd.sample(names, rnd.choice([1, 2, 2, 3]))
            places = sorted({region(rnd, (0.2, 0.3, 0.3, 0.2)) for _ in range(rnd.choice([1, 1, 1, 2, 3]))})
            org = Organisation(project_id=project.id, kind="initiative", name=f"Initiative {n:04d}", region=places[0])
            topic = rnd.choice(FIELDS[chosen[0]][2])
            item = Initiative(
                project_id=project.id, organisation=org, external_id=f"INI-{n:04d}", maturity=rnd.choice(MATURITIES),
                name=f"{rnd.choice(PREFIXES)} {topic} {n:04d}", summary=text_for(rnd, chosen, 1),
                description=text_for(rnd, chosen, rnd.randint(3, 6)), fields=[fields[name] for name in chosen],
            )
            item.sdgs, item.target_groups = facets_for(rnd, chosen)
            item.needs = set(rnd.sample(RESOURCES, rnd.randint(0, 3)))
            item.offers = set(rnd.sample(SOLUTIONS, rnd.randint(1, 3)))
            item.regions = places
            db.session.add(item)
            if n % 500 == 499:
                db.session.flush()
        db.session.commit()

        # Wish lists: 5 to 20 initiatives per body, the popular ones wished for far more often.
        initiative_ids = list(db.session.scalars(db.select(Initiative.id).order_by(Initiative.id)))
        popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(initiative_ids))]
        shuffled = initiative_ids[:]
        rnd.shuffle(shuffled)
        bodies = list(db.session.scalars(db.select(Organisation.id).where(Organisation.kind == "public_body")))
        wishes = []
        for body in bodies:
            wanted: list[int] = []
            size = rnd.randint(5, 20)
            while len(wanted) < size:
                pick = rnd.choices(shuffled, weights=popularity)[0]
                if pick not in wanted:
                    wanted.append(pick)
            wishes += [Wish(project_id=project.id, organisation_id=body, initiative_id=initiative, rank=rank)
                       for rank, initiative in enumerate(wanted, start=1)]
        db.session.add_all(wishes)
        db.session.commit()

        challenge_ids = list(db.session.scalars(db.select(Challenge.id).order_by(Challenge.id)))
        return {"challenges": challenge_ids, "initiatives": initiative_ids, "project_id": project.id,
                "wishes": len(wishes), "bodies": len(bodies), "field": fields["Pflege und Gesundheit"].id}


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def time_recommendations(instance: Path, ids: dict, samples: int, rnd: random.Random) -> dict[str, list[float]]:
    """Milliseconds per call of recommend_for_challenge / recommend_for_initiative, each with a fresh session."""
    from core import create_app
    from core.extensions import db
    from plugins.matchmaking.models import Challenge, Initiative
    from plugins.matchmaking.recommend import recommend_for_challenge, recommend_for_initiative

    app = create_app(instance_path=instance)
    timings: dict[str, list[float]] = {"challenge": [], "initiative": []}
    with app.app_context():
        for kind, model, function in (("challenge", Challenge, recommend_for_challenge),
                                      ("initiative", Initiative, recommend_for_initiative)):
            chosen = rnd.sample(ids[f"{kind}s"], samples)
            function(db.session.get(model, chosen[0]))  # warm up: imports, statement cache
            for item_id in chosen:
                db.session.remove()
                item = db.session.get(model, item_id)  # the page has loaded the item already
                started = time.perf_counter()
                function(item, 10)
                timings[kind].append((time.perf_counter() - started) * 1000)
    return timings


def time_allocation(instance: Path, project_id: int, bodies: int, initiatives: int) -> tuple[float, object, int]:
    from core import create_app
    from plugins.matchmaking.allocation import allocate, project_wishes

    app = create_app(instance_path=instance)
    with app.app_context():
        started = time.perf_counter()
        wishes = project_wishes(project_id)
        result = allocate(wishes, body_capacity=bodies, initiative_capacity=initiatives)
        return time.perf_counter() - started, result, sum(map(len, wishes.values()))


def compare_scipy(instance: Path, project_id: int, bodies: int, initiatives: int) -> str:
    """SciPy's linear_sum_assignment on the slot-expanded matrix: its time, and the pairs it seats twice."""
    try:
        import numpy
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        return "SciPy comparison skipped: numpy/scipy not importable here"
    from collections import Counter

    from core import create_app
    from plugins.matchmaking.allocation import project_wishes

    app = create_app(instance_path=instance)
    with app.app_context():
        wishes = project_wishes(project_id)
    started = time.perf_counter()
    body_list = sorted(wishes)
    columns = sorted({i for ranked in wishes.values() for i in ranked})
    column_of = {initiative: n for n, initiative in enumerate(columns)}
    longest = max(map(len, wishes.values()))
    cost = numpy.zeros((len(body_list) * bodies, len(columns) * initiatives))
    for row, body in enumerate(body_list):
        for rank, initiative in enumerate(wishes[body], start=1):
            for slot in range(bodies):
                start = column_of[initiative] * initiatives
                cost[row * bodies + slot, start:start + initiatives] = -(longest + 1 - rank)
    rows, cols = linear_sum_assignment(cost)
    elapsed = time.perf_counter() - started
    pairs = Counter((r // bodies, c // initiatives) for r, c in zip(rows, cols) if cost[r, c] < 0)
    twice = sum(n - 1 for n in pairs.values() if n > 1)
    return (f"SciPy linear_sum_assignment, slot-expanded {cost.shape[0]} x {cost.shape[1]}: {elapsed:.2f} s, "
            f"{-cost[rows, cols].sum():.0f} points, but {twice} pairs seated more than once (not a valid allocation)")


# ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=600)
    parser.add_argument("--initiatives", type=int, default=1500)
    parser.add_argument("--samples", type=int, default=200, help="items timed per direction")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--body-capacity", type=int, default=3, help="meetings per public body at the event")
    parser.add_argument("--initiative-capacity", type=int, default=2, help="meetings per initiative")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--compare-scipy", action="store_true", help="also time SciPy on the slot-expanded matrix")
    parser.add_argument("--keep", action="store_true", help="keep the seeded instance folder")
    args = parser.parse_args()
    require_wrk()

    instance = Path(tempfile.mkdtemp(prefix="mitsprache-bench-matchmaking-"))
    try:
        started = time.perf_counter()
        ids = seed(instance, args.challenges, args.initiatives, args.seed)
        print(f"Seeded {len(ids['challenges'])} challenges, {len(ids['initiatives'])} initiatives, {ids['bodies']} "
              f"wish lists ({ids['wishes']} wishes) in {time.perf_counter() - started:.1f} s; instance {instance}")
        print(f"SQLite (WAL); {machine()}")

        timings = time_recommendations(instance, ids, args.samples, random.Random(args.seed))

        env = {"MITSPRACHE_INSTANCE": str(instance)}
        mitsprache(env, "db", "upgrade")
        filters = f"field={ids['field']}&region=03&maturity=pilot"
        pages = [
            ("initiatives, filtered: field, Land, maturity", f"/p/{SLUG}/matchmaking/initiatives?{filters}"),
            ("initiatives, filtered and searched", f"/p/{SLUG}/matchmaking/initiatives?{filters}&q=Pflege"),
            ("challenges, filtered: field, Land", f"/p/{SLUG}/matchmaking?field={ids['field']}&region=03"),
        ]
        options = {"duration": args.duration, "connections": args.connections, "threads": args.wrk_threads}
        loads = []
        with gunicorn("minimal_app:app", args.workers, args.threads, env, ROOT / "bench") as server:
            loads.append(run_wrk("minimal Flask app", [server.port], "/", **options))
        with gunicorn("core:create_app()", args.workers, args.threads, env) as server:
            for name, path in pages:
                loads.append(run_wrk(name, [server.port], path, **options))

        allocation_seconds, allocation, wish_count = time_allocation(
            instance, ids["project_id"], args.body_capacity, args.initiative_capacity)

        print()
        print(f"{'recommendations (in-process, ms)':44} {'median':>8} {'p90':>8} {'min':>8} {'max':>8} {'count':>7}")
        for kind, label in (("challenge", "initiatives for one challenge"), ("initiative", "challenges for one initiative")):
            values = timings[kind]
            print(f"{label:44} {statistics.median(values):8.1f} {percentile(values, 0.9):8.1f} {min(values):8.1f} "
                  f"{max(values):8.1f} {len(values):7d}")
        print()
        print(Load.header())
        for load in loads:
            print(load.row())
        print()
        got = [len(found) for found in allocation.by_body.values()]
        print(f"allocation: {len(ids['challenges'])} bodies x {len(ids['initiatives'])} initiatives, {wish_count} "
              f"wishes, at most {args.body_capacity} meetings per body and {args.initiative_capacity} per initiative: "
              f"{allocation_seconds:.2f} s (wish lists loaded and allocated)")
        print(f"  {len(allocation.meetings)} meetings, {allocation.total_points} of {allocation.wished_points} wished "
              f"points; bodies with 0/1/2/3+ meetings: {got.count(0)}/{got.count(1)}/{got.count(2)}/"
              f"{sum(1 for n in got if n >= 3)}; first wishes met: "
              f"{sum(1 for m in allocation.meetings if m.rank == 1)}; initiatives wished for but without a meeting: "
              f"{sum(1 for i, found in allocation.by_initiative.items() if not found)}")
        if args.compare_scipy:
            print("  " + compare_scipy(instance, ids["project_id"], args.body_capacity, args.initiative_capacity))

        print()
        median = statistics.median(timings["challenge"])
        print(f"recommendations for one challenge: median {median:.1f} ms (target: under 20 ms) "
              f"{'OK' if median < 20 else 'MISSED'}")
        minimal, filtered = loads[0].rps, loads[1].rps
        print(f"filtered catalogue: 1/{minimal / filtered:.1f} of the minimal app (target: at least 1/5) "
              f"{'OK' if filtered * 5 >= minimal and loads[1].errors == 0 else 'MISSED'}")
        print(f"allocation 600 x 1,500: {allocation_seconds:.2f} s (target: under 2 s) "
              f"{'OK' if allocation_seconds < 2 else 'MISSED'}")
        print(f"settings: gunicorn --workers {args.workers} --threads {args.threads} (gthread); "
              f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:.0f}s; load average after: "
              f"{os.getloadavg()[0]:.1f}")
        return 0
    finally:
        if args.keep:
            print(f"kept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
