"""The organisers: dashboard and funnel, verification, outcomes, fields, settings, wish lists, allocation, exports."""
from __future__ import annotations

from core.toolkit import db


def test_dashboard_funnel_and_outcomes(world, login):
    w = world()
    anna, ben, organiser = login(w.app, w.people.anna), login(w.app, w.people.ben), login(w.app, w.people.initiator)
    anna.post(f"{w.base}/interest/challenge/{w.challenge}", data={"sender": str(w.ini)})
    ben.post(f"{w.base}/interests/1/accept")
    organiser.post(f"{w.base}/connections/1/outcome", data={"outcome": "pilot_agreed", "note": "Pilot ab Herbst"})
    page = organiser.get(f"{w.base}/organisers").get_data(as_text=True)
    assert "Pilot ab Herbst" in page and "Funnel" in page
    assert "Initiatives nobody asked for" in page and "Challenges without interest" in page
    from plugins.matchmaking.models import Project
    from plugins.matchmaking.stats import funnel

    with w.app.test_request_context():
        steps = [step["count"] for step in funnel(db.session.get(Project, w.project_id))]
    assert steps == [1, 1, 1, 0]
    assert ben.get(f"{w.base}/organisers").status_code == 403
    assert ben.post(f"{w.base}/connections/1/outcome", data={"outcome": "adopted"}).status_code == 403


def test_verification(world, login):
    from plugins.matchmaking.models import Organisation

    w = world()
    organiser, ben = login(w.app, w.people.initiator), login(w.app, w.people.ben)
    assert "not verified" in ben.get(f"{w.base}/organisations/{w.ini}").get_data(as_text=True)
    assert ben.post(f"{w.base}/organisations/{w.ini}/verify").status_code == 403
    organiser.post(f"{w.base}/organisations/{w.ini}/verify")
    with w.app.app_context():
        assert db.session.get(Organisation, w.ini).is_verified
    assert "verified" in login(w.app).get(f"{w.base}/initiatives?verified=1").get_data(as_text=True)


def test_registering_an_organisation(world, login):
    from core.toolkit import create_user

    w = world()
    with w.app.app_context():
        eve = create_user("eve@example.org", "password-eve", "Eve")
        db.session.commit()
        eve = type("P", (), {"id": eve.id})
    client = login(w.app, eve)
    made = client.post(f"{w.base}/organisations/new", data={
        "kind": "public_body", "name": "Gemeinde Rastede", "region": "03451007", "contact_email": "rat@rastede.example",
    }, follow_redirects=True).get_data(as_text=True)
    assert "Gemeinde Rastede is registered" in made and "not verified" in made and "rat@rastede.example" in made
    assert client.get(f"{w.base}/challenges/new").status_code == 200
    assert client.post(f"{w.base}/organisations/new", data={"kind": "alien", "name": "X"}).status_code == 400
    assert login(w.app, w.people.anna).get(f"{w.base}/organisations/4/edit").status_code == 403


def test_wish_list_ranks_initiatives(world, login):
    from plugins.matchmaking.models import Initiative, Project, Wish

    w = world()
    with w.app.app_context():
        project = db.session.get(Project, w.project_id)
        db.session.add(Initiative(project_id=w.project_id, project=project, organisation_id=w.third, name="Dorfmobil-App"))
        db.session.commit()
    ben = login(w.app, w.people.ben)
    ben.post(f"{w.base}/wishlist", data={"acting": str(w.body), "initiative": str(w.initiative)})
    ben.post(f"{w.base}/wishlist", data={"acting": str(w.body), "initiative": "2"})
    ben.post(f"{w.base}/wishlist/2/up")
    with w.app.app_context():
        ranked = [w_.initiative_id for w_ in db.session.scalars(db.select(Wish).order_by(Wish.rank))]
    assert ranked == [2, w.initiative]
    page = login(w.app, w.people.initiator).get(f"{w.base}/organisers").get_data(as_text=True)
    assert "Dorfmobil-App" in page.split("Wish lists")[1]
    assert login(w.app, w.people.anna).post(f"{w.base}/wishlist", data={"acting": str(w.ini), "initiative": "2"}).status_code == 403
    ben.post(f"{w.base}/wishlist/1/remove")
    with w.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Wish.id))) == 1


def test_wish_lists_closed_unless_the_phase_opens_them(world, login):
    w = world(wishlist=False)
    ben = login(w.app, w.people.ben)
    refused = ben.post(f"{w.base}/wishlist", data={"acting": str(w.body), "initiative": str(w.initiative)})
    assert refused.status_code == 403
    assert "not opened the wish lists" in ben.get(f"{w.base}/wishlist").get_data(as_text=True)


def test_fields_and_settings(world, login):
    from plugins.matchmaking.models import Field, Settings

    w = world()
    organiser = login(w.app, w.people.initiator)
    organiser.post(f"{w.base}/organisers/fields", data={"name": "Mobilität"})
    assert organiser.post(f"{w.base}/organisers/fields", data={"name": "mobilität"}).status_code == 400
    with w.app.app_context():
        assert "Mobilität" in set(db.session.scalars(db.select(Field.name)))
    page = organiser.get(f"{w.base}/organisers/settings").get_data(as_text=True)
    assert "Further organisation kinds" in page
    organiser.post(f"{w.base}/organisers/settings", data={"extra_kinds": "Stiftung; Unternehmen; Stiftung"})
    with w.app.app_context():
        assert db.session.scalar(db.select(Settings.extra_kinds)) == ["Stiftung", "Unternehmen"]
    assert "Stiftung" in login(w.app, w.people.anna).get(f"{w.base}/organisations/new").get_data(as_text=True)


def test_exports_are_for_organisers(world, login):
    w = world()
    organiser = login(w.app, w.people.initiator)
    challenges = organiser.get(f"/p/{w.slug}/export/challenges.csv").get_data(as_text=True)
    assert "Wie können wir ältere Offliner" in challenges and "Stadt Celle" in challenges
    assert organiser.get(f"/p/{w.slug}/export/connections.xlsx").status_code == 200
    assert login(w.app, w.people.ben).get(f"/p/{w.slug}/export/challenges.csv").status_code == 403


def test_allocation_turns_wish_lists_into_introductions(world, login):
    from plugins.matchmaking.models import Introduction

    w = world()
    ben, organiser = login(w.app, w.people.ben), login(w.app, w.people.initiator)
    ben.post(f"{w.base}/wishlist", data={"acting": str(w.body), "initiative": str(w.initiative)})
    page = organiser.get(f"{w.base}/organisers/allocation?compute=1&body_capacity=1&initiative_capacity=1")
    if "not available" in page.get_data(as_text=True):
        return  # the allocation module is not installed here
    assert "Digitalpaten" in page.get_data(as_text=True)
    organiser.post(f"{w.base}/organisers/allocation?compute=1&body_capacity=1&initiative_capacity=1")
    with w.app.app_context():
        intro = db.session.scalar(db.select(Introduction))
        assert intro.source == "allocation" and {intro.org_low_id, intro.org_high_id} == {w.body, w.ini}


def test_personal_data_is_listed_and_deleted_with_the_account(world, login):
    from core.toolkit import User
    from plugins.matchmaking import personal_data
    from plugins.matchmaking.models import Membership, Message

    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    anna.post(f"{w.base}/interest/challenge/{w.challenge}", data={"sender": str(w.ini), "message": "Hallo Celle"})
    ben.post(f"{w.base}/interests/1/accept")
    anna.post(f"{w.base}/connections/1/messages", data={"body": "Treffen am Montag?"})
    with w.app.test_request_context():
        user = db.session.get(User, w.people.anna.id)
        if personal_data.Contribution is not None:
            kinds = sorted(c.kind for c in personal_data.contributions(user))
            assert kinds == ["matchmaking_interest", "matchmaking_membership", "matchmaking_message"]
        personal_data.remove(user, "remove")
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Membership.id)).where(Membership.user_id == user.id)) == 0
        assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
