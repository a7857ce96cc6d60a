"""The catalogues: facet filters, regions by AGS prefix, German full-text search on both databases, htmx, queries."""
from __future__ import annotations

from datetime import timedelta

from core.testing import T0, count_queries
from core.toolkit import Project, db


def _add(w, kind, n, **values):
    """``n`` more items of ``kind`` by the world's organisations; returns their ids."""
    from plugins.matchmaking.models import Challenge, Field, Initiative

    with w.app.app_context():
        project = db.session.get(Project, w.project_id)
        made = []
        for i in range(n):
            if kind == "challenge":
                item = Challenge(project_id=w.project_id, project=project, organisation_id=w.body,
                                 title=values.get("title", f"Wie können wir Aufgabe {i} lösen?"),
                                 description=values.get("description", "Beschreibung"),
                                 region=values.get("region", "03351006"), status=values.get("status", "open"),
                                 created_at=T0 - timedelta(hours=i))
            else:
                item = Initiative(project_id=w.project_id, project=project, organisation_id=w.third,
                                  name=values.get("title", f"Initiative {i}"), summary="Kurz",
                                  description=values.get("description", "Beschreibung"),
                                  maturity=values.get("maturity", "idea"), created_at=T0 - timedelta(hours=i))
                item.regions = values.get("regions", ["DE"])
            item.sdgs = values.get("sdgs", [])
            if "field" in values:
                item.fields = [db.session.get(Field, values["field"])]
            db.session.add(item)
            made.append(item)
        db.session.commit()
        return [item.id for item in made]


def _titles(html):
    import re

    return re.findall(r'class="matchmaking-card-title" id="[^"]+"><a href="[^"]+">([^<]+)</a>', html)


def test_filters_by_field_sdg_status_and_region(world, login):
    w = world()
    _add(w, "challenge", 1, title="Wie können wir Pflegekräfte halten?", field=w.fields["care"], sdgs=[3],
         status="talks", region="03460")
    _add(w, "challenge", 1, title="Wie können wir Köln vernetzen?", region="05315000", sdgs=[11])
    client = login(w.app)
    get = lambda query: _titles(client.get(f"{w.base}?{query}").get_data(as_text=True))  # noqa: E731
    assert len(get("")) == 3
    assert get(f"field={w.fields['care']}") == ["Wie können wir Pflegekräfte halten?"]
    assert get("sdg=3") == ["Wie können wir Pflegekräfte halten?", "Wie können wir ältere Offliner mit digitalen Informationen versorgen?"]
    assert get("status=talks") == ["Wie können wir Pflegekräfte halten?"]
    assert set(get("region=03")) == {"Wie können wir Pflegekräfte halten?",
                                     "Wie können wir ältere Offliner mit digitalen Informationen versorgen?"}
    assert get("region=Nordrhein-Westfalen") == ["Wie können wir Köln vernetzen?"]
    assert get("region=03351") == ["Wie können wir ältere Offliner mit digitalen Informationen versorgen?"]
    assert len(get("sdg=99&status=nonsense&field=abc&region=xyz&page=-3&sort=%3Cscript%3E")) == 3  # ignored


def test_initiatives_in_a_land_include_those_active_nationwide(world, login):
    w = world()
    _add(w, "initiative", 1, title="Bundesweite Hilfe", regions=["DE"], maturity="transfer")
    _add(w, "initiative", 1, title="Bayerische Hilfe", regions=["09162000"])
    client = login(w.app)
    found = _titles(client.get(f"{w.base}/initiatives?region=03").get_data(as_text=True))
    assert set(found) == {"Digitalpaten", "Bundesweite Hilfe"}
    assert _titles(client.get(f"{w.base}/initiatives?maturity=transfer").get_data(as_text=True)) == ["Bundesweite Hilfe"]
    mature_first = _titles(client.get(f"{w.base}/initiatives?sort=maturity").get_data(as_text=True))
    assert mature_first[0] == "Bundesweite Hilfe"


def test_search_uses_german_stems(world, login):
    w = world()
    _add(w, "challenge", 1, title="Wie können wir Pflegeheime digitalisieren?",
         description="Die Heime brauchen WLAN für ihre Bewohnerinnen.")
    client = login(w.app)
    assert _titles(client.get(f"{w.base}?q=Pflegeheim").get_data(as_text=True)) == ["Wie können wir Pflegeheime digitalisieren?"]
    assert _titles(client.get(f"{w.base}?q=Bewohnerin+wlan").get_data(as_text=True)) == ["Wie können wir Pflegeheime digitalisieren?"]
    # "Seniorin" finds "Seniorinnen", "älterer" finds "ältere": both engines stem German words.
    assert _titles(client.get(f"{w.base}?q=Seniorin").get_data(as_text=True)) == [
        "Wie können wir ältere Offliner mit digitalen Informationen versorgen?"]
    assert _titles(client.get(f"{w.base}?q=%C3%A4lterer").get_data(as_text=True)) == [
        "Wie können wir ältere Offliner mit digitalen Informationen versorgen?"]
    assert _titles(client.get(f"{w.base}?q=Fahrradweg").get_data(as_text=True)) == []
    assert client.get(f"{w.base}?q=%22%2A%28OR%29%3A%26%7C").status_code == 200  # query syntax is never passed on


def test_the_search_interface_ranks_and_follows_every_change(world):
    from plugins.matchmaking.models import Challenge, Initiative
    from plugins.matchmaking.search import search

    w = world()
    with w.app.app_context():
        hits = search("initiative", "ältere Menschen Internet Tablets", project_id=w.project_id, mode="any")
        assert [hit.id for hit in hits] == [w.initiative] and hits[0].score > 0
        assert search("initiative", "Tablets", project_id=w.project_id + 1) == []
        challenge = db.session.get(Challenge, w.challenge)
        challenge.title = "Wie können wir Radwege sicherer machen?"
        db.session.commit()
        assert search("challenge", "Radweg") and search("challenge", "Radwege")[0].id == w.challenge
        assert search("challenge", "Offliner") == []
        db.session.delete(db.session.get(Initiative, w.initiative))
        db.session.commit()
        assert search("initiative", "Tablets") == []
        # Title words weigh more than body words.
        ids = _add(w, "challenge", 2, title="Wie können wir das lösen?", description="Radweg")
        ranked = [hit.id for hit in search("challenge", "Radweg", mode="any")]
        assert ranked[0] == w.challenge and set(ranked[1:]) == set(ids)


def test_htmx_gets_only_the_results_and_pages_cost_the_same_queries(world, login):
    w = world()
    client = login(w.app, w.people.anna)
    fragment = client.get(f"{w.base}?q=Offliner", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="matchmaking-results"' in html and "hx-swap-oob" in html
    assert "HX-Request" in fragment.headers["Vary"]
    client.get(f"{w.base}/initiatives")  # the reader's small facts (unread count, tabs) are cached from here on
    with count_queries(w.app) as few:
        client.get(f"{w.base}/initiatives?region=03")
    _add(w, "initiative", 60, regions=["03"])
    with count_queries(w.app) as many:
        page = client.get(f"{w.base}/initiatives?region=03&page=2").get_data(as_text=True)
    assert len(many) == len(few), (len(few), len(many))
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2' in page


def test_regional_overview(world, login):
    w = world()
    client = login(w.app)
    overview = client.get(f"{w.base}/regions").get_data(as_text=True)
    assert "Niedersachsen" in overview and "Thüringen" in overview
    region = client.get(f"{w.base}/regions/03").get_data(as_text=True)
    assert "Initiatives based in Niedersachsen" in region and "Digitalpaten" in region and "Stadt Celle" in region
    assert client.get(f"{w.base}/regions/99").status_code == 404
    assert client.get(f"{w.base}/regions/DE").status_code == 404


def test_publishing_and_editing_a_challenge(world, login):
    w = world()
    ben, anna = login(w.app, w.people.ben), login(w.app, w.people.anna)
    data = {"organisation": str(w.body), "title": "Wie können wir Schulwege sicherer machen?",
            "description": "Elterntaxis vor der Grundschule.", "region": "Niedersachsen", "status": "open",
            "fields": [str(w.fields["care"])], "sdgs": ["3", "11"], "target_groups": ["children"], "offers": ["data"]}
    created = ben.post(f"{w.base}/challenges/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Wie können wir Schulwege sicherer machen?" in created and "Niedersachsen" in created
    assert anna.get(f"{w.base}/challenges/new").status_code == 403  # an initiative publishes no challenges
    assert anna.get(f"{w.base}/challenges/2/edit").status_code == 403
    bad = ben.post(f"{w.base}/challenges/new", data={**data, "region": "Atlantis", "organisation": str(w.ini)})
    assert bad.status_code == 400 and "is not a valid choice" in bad.get_data(as_text=True).replace("Not a valid choice", "is not a valid choice")
    edited = ben.post(f"{w.base}/challenges/2/edit", data={**data, "status": "solved"}, follow_redirects=True)
    assert "Solved" in edited.get_data(as_text=True)


def test_presenting_an_initiative(world, login):
    w = world()
    anna = login(w.app, w.people.anna)
    data = {"organisation": str(w.ini), "name": "Tablet-Treff", "summary": "Wöchentlicher Treff.", "maturity": "pilot",
            "regions": "03; 05315000", "needs": ["space"], "offers": ["training"]}
    page = anna.post(f"{w.base}/initiatives/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Tablet-Treff" in page and "Niedersachsen, Köln" in page and "Space and rooms" in page
