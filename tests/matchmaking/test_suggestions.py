"""\"Suggested for you\" on the pages: shown to the item's own organisation with reasons, switched off on request."""
from __future__ import annotations


def test_the_owner_sees_suggestions_with_reasons_and_can_switch_them_off(world, login):
    w = world()
    ben, anna = login(w.app, w.people.ben), login(w.app, w.people.anna)
    page = ben.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    suggested = page.split("Suggested for you")[1]
    assert "Digitalpaten" in suggested and "same field of action: Digitale Teilhabe" in suggested
    assert "Suggested for you" not in anna.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert "Suggested for you" not in login(w.app).get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert "Suggested for you" in anna.get(f"{w.base}/initiatives/{w.initiative}").get_data(as_text=True)

    ben.post(f"{w.base}/preferences", data={})
    assert "Suggested for you" not in ben.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert 'id="matchmaking-dash-suggestions"' not in ben.get(f"{w.base}/dashboard").get_data(as_text=True)
    ben.post(f"{w.base}/preferences", data={"recommendations": "y"})
    assert "Suggested for you" in ben.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)


def test_reasons_read_in_german(world, login):
    w = world()
    ben = login(w.app, w.people.ben)
    ben.post("/language", data={"locale": "de", "next": "/"})
    page = ben.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert "Für Sie vorgeschlagen" in page and "gleiches Handlungsfeld: Digitale Teilhabe" in page


def test_organisers_save_weights(world, login):
    from core.toolkit import db
    from plugins.matchmaking.models import Settings

    w = world()
    organiser = login(w.app, w.people.initiator)
    page = organiser.get(f"{w.base}/organisers/settings").get_data(as_text=True)
    assert "Same fields of action" in page and "Text similarity" in page
    organiser.post(f"{w.base}/organisers/settings", data={"w_fields": "5", "w_text": "0", "extra_kinds": ""})
    with w.app.app_context():
        weights = db.session.scalar(db.select(Settings.weights))
    assert weights["fields"] == 5.0 and weights["text"] == 0.0
    assert organiser.post(f"{w.base}/organisers/settings", data={"w_fields": "-1"}).status_code == 400


def test_recommend_command(world):
    import json

    from plugins.matchmaking.cli import group

    w = world()
    cli = w.app.test_cli_runner()
    result = cli.invoke(group, ["recommend", w.slug, "--challenge", str(w.challenge), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["id"] == w.initiative and rows[0]["title"] == "Digitalpaten"
    assert set(rows[0]) == {"id", "external_id", "title", "score", "reasons"} and rows[0]["reasons"]
    text = cli.invoke(group, ["recommend", w.slug, "--initiative", str(w.initiative), "--limit", "3"])
    assert text.exit_code == 0 and "Wie können wir ältere Offliner" in text.output
    assert cli.invoke(group, ["recommend", w.slug, "--challenge", "nope"]).exit_code != 0
    assert cli.invoke(group, ["recommend", w.slug]).exit_code == 2
    assert "geheim" not in result.output + text.output


def _suggested(client, url):
    page = client.get(url).get_data(as_text=True)
    return page.split("Suggested for you")[1].split("</section>")[0] if "Suggested for you" in page else ""


def test_connected_and_blocked_partners_are_not_suggested(world, login):
    """Suggestions are for new partners: once connected, or blocked either way, an organisation drops out."""
    from core.toolkit import db
    from plugins.matchmaking.interest import block, unblock
    from plugins.matchmaking.models import Connection, Organisation

    w = world()
    ben, anna = login(w.app, w.people.ben), login(w.app, w.people.anna)
    challenge_url, initiative_url = f"{w.base}/challenges/{w.challenge}", f"{w.base}/initiatives/{w.initiative}"
    assert "Digitalpaten" in _suggested(ben, challenge_url)
    assert "ältere Offliner" in _suggested(anna, initiative_url)

    with w.app.app_context():
        body, ini = db.session.get(Organisation, w.body), db.session.get(Organisation, w.ini)
        block(ini, body)  # the initiative blocks the public body: neither side sees the other suggested
    assert "Digitalpaten" not in _suggested(ben, challenge_url)
    assert "ältere Offliner" not in _suggested(anna, initiative_url)

    with w.app.app_context():
        unblock(db.session.get(Organisation, w.ini), db.session.get(Organisation, w.body))
    assert "Digitalpaten" in _suggested(ben, challenge_url)

    with w.app.app_context():
        low, high = sorted((w.body, w.ini))
        db.session.add(Connection(project_id=w.project_id, org_low_id=low, org_high_id=high, origin="answer"))
        db.session.commit()
    assert "Digitalpaten" not in _suggested(ben, challenge_url)
    assert "ältere Offliner" not in _suggested(anna, initiative_url)
