"""The interest state machine through HTTP: mark, answer, cross, decline silently, expire, withdraw, block, report, cap."""
from __future__ import annotations


import pytest

from core.testing import run_at_once
from core.toolkit import db

from .conftest import secrets_of


def _interests(app):
    from plugins.matchmaking.models import Connection, Interest

    with app.app_context():
        rows = [(i.sender_id, i.receiver_id, i.state) for i in db.session.scalars(db.select(Interest).order_by(Interest.id))]
        connections = [(c.org_low_id, c.org_high_id, c.origin) for c in db.session.scalars(db.select(Connection))]
    return rows, connections


def mark(client, w, kind, target_id, follow_redirects=False, **data):
    return client.post(f"{w.base}/interest/{kind}/{target_id}", data=data, follow_redirects=follow_redirects)


def test_marking_interest_and_accepting_it_shares_contact_details(world, login):
    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    challenge_page = f"{w.base}/challenges/{w.challenge}"
    assert not any(s in anna.get(challenge_page).get_data(as_text=True) for s in secrets_of("Celle"))

    sent = mark(anna, w, "challenge", w.challenge, sender=str(w.ini), message="Wir helfen gern!")
    assert sent.status_code == 302
    page = anna.get(challenge_page).get_data(as_text=True)
    assert "No answer yet" in page and "Withdraw" in page
    assert not any(s in page for s in secrets_of("Celle"))

    dashboard = ben.get(f"{w.base}/dashboard").get_data(as_text=True)
    assert "Digitalpaten" in dashboard and "Wir helfen gern!" in dashboard and "Awaiting your answer" in dashboard
    assert not any(s in dashboard for s in secrets_of("Paten"))

    rows, _ = _interests(w.app)
    accepted = ben.post(f"{w.base}/interests/1/accept", follow_redirects=True).get_data(as_text=True)
    assert "You are connected with Digitalpaten" in accepted
    assert all(s in ben.get(f"{w.base}/dashboard").get_data(as_text=True) for s in secrets_of("Paten"))
    assert all(s in anna.get(challenge_page).get_data(as_text=True) for s in secrets_of("Celle"))
    rows, connections = _interests(w.app)
    assert rows == [(w.ini, w.body, "accepted")]
    assert connections == [(min(w.body, w.ini), max(w.body, w.ini), "answer")]


def test_marking_each_other_independently_is_mutual(world, login):
    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(ben, w, "initiative", w.initiative, sender=str(w.body), challenge=str(w.challenge))
    crossed = mark(anna, w, "challenge", w.challenge, sender=str(w.ini), follow_redirects=True)
    assert "You are interested in each other" in crossed.get_data(as_text=True)
    rows, connections = _interests(w.app)
    assert sorted(state for _s, _r, state in rows) == ["accepted", "accepted"]
    assert len(connections) == 1 and connections[0][2] == "crossing"


def test_declining_is_silent_and_the_request_expires(world, login, clock):
    w = world(expiry_days=10)
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    ben.post(f"{w.base}/interests/1/decline")
    sender_view = anna.get(f"{w.base}/dashboard").get_data(as_text=True)
    assert "No answer yet" in sender_view and "Declined" not in sender_view
    assert "Declined" in ben.get(f"{w.base}/dashboard").get_data(as_text=True)
    clock.advance(days=10)
    assert "Expired" in anna.get(f"{w.base}/dashboard").get_data(as_text=True)
    # After expiry the initiative may ask again.
    assert mark(anna, w, "challenge", w.challenge, sender=str(w.ini)).status_code == 302
    assert _interests(w.app)[0] == [(w.ini, w.body, "pending")]


def test_an_unanswered_request_expires_and_can_no_longer_be_answered(world, login, clock):
    w = world(expiry_days=14)
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    clock.advance(days=13)
    assert "No answer yet" in anna.get(f"{w.base}/dashboard").get_data(as_text=True)
    clock.advance(days=1)
    assert "Expired" in anna.get(f"{w.base}/dashboard").get_data(as_text=True)
    answered = ben.post(f"{w.base}/interests/1/accept", follow_redirects=True).get_data(as_text=True)
    assert "can no longer be answered" in answered
    assert _interests(w.app)[1] == []


def test_withdrawing_hides_the_request_from_the_receiver(world, login):
    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    assert ben.post(f"{w.base}/interests/1/withdraw").status_code == 403  # only the sender withdraws
    anna.post(f"{w.base}/interests/1/withdraw")
    assert "Digitalpaten" not in ben.get(f"{w.base}/dashboard").get_data(as_text=True).split("Received")[1].split("Sent")[0]
    assert ben.post(f"{w.base}/interests/1/accept", follow_redirects=True).status_code == 200
    assert _interests(w.app)[0] == [(w.ini, w.body, "withdrawn")]


def test_a_blocked_organisation_cannot_ask_again(world, login):
    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    ben.post(f"{w.base}/organisations/{w.ini}/block", data={"acting": str(w.body)})
    assert _interests(w.app)[0] == [(w.ini, w.body, "declined")]
    anna.post(f"{w.base}/interests/1/withdraw")
    page = anna.get(f"{w.base}/challenges/{w.challenge}").get_data(as_text=True)
    assert "You cannot contact this organisation." in page
    refused = mark(anna, w, "challenge", w.challenge, sender=str(w.ini), follow_redirects=True)
    assert "I&#39;m interested" not in refused.get_data(as_text=True)
    assert _interests(w.app)[0] == [(w.ini, w.body, "withdrawn")]


def test_reports_reach_the_organisers(world, login):
    w = world()
    ben, initiator = login(w.app, w.people.ben), login(w.app, w.people.initiator)
    ben.post(f"{w.base}/organisations/{w.ini}/report", data={"acting": str(w.body), "reason": "Werbemails ohne Ende"})
    assert "Werbemails ohne Ende" in initiator.get(f"{w.base}/organisers").get_data(as_text=True)
    visitor = login(w.app)
    assert visitor.post(f"{w.base}/organisations/{w.ini}/report", data={"acting": str(w.body), "reason": "x"}).status_code == 302


def test_open_requests_are_capped_per_organisation(world, login):
    from plugins.matchmaking.models import Organisation

    w = world(max_open_requests=2)
    with w.app.app_context():
        from core.toolkit import Project

        project = db.session.get(Project, w.project_id)
        others = [Organisation(project_id=w.project_id, project=project, kind="initiative", name=f"Initiative {n}")
                  for n in range(3)]
        db.session.add_all(others)
        db.session.commit()
        ids = [o.id for o in others]
    ben = login(w.app, w.people.ben)
    assert mark(ben, w, "organisation", ids[0], sender=str(w.body)).status_code == 302
    assert mark(ben, w, "organisation", ids[1], sender=str(w.body)).status_code == 302
    third = mark(ben, w, "organisation", ids[2], sender=str(w.body), follow_redirects=True).get_data(as_text=True)
    assert "2 open requests, the most this programme allows" in third
    assert len(_interests(w.app)[0]) == 2


def test_writes_are_refused_without_permission(world, login, clock):
    w = world()
    anna, cem = login(w.app, w.people.anna), login(w.app, w.cem)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    assert cem.post(f"{w.base}/interests/1/accept").status_code == 403  # a third organisation
    assert anna.post(f"{w.base}/interests/1/accept").status_code == 403  # the sender
    # An initiative cannot mark interest in another initiative.
    assert mark(cem, w, "initiative", w.initiative, sender=str(w.third)).status_code == 403
    assert login(w.app).post(f"{w.base}/interest/challenge/{w.challenge}").status_code == 302  # to the login
    visitor = login(w.app).post(f"{w.base}/preferences", data={"recommendations": "y"})
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    clock.advance(days=60)  # the phase is over
    assert mark(cem, w, "challenge", w.challenge, sender=str(w.third)).status_code == 403


def test_htmx_marks_interest_in_place(world, login):
    w = world()
    anna = login(w.app, w.people.anna)
    response = anna.post(f"{w.base}/interest/challenge/{w.challenge}", data={"sender": str(w.ini)},
                         headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<section id=\"matchmaking-interest\"")
    assert "No answer yet" in html and "<html" not in html


def test_the_receiver_is_told(world, login, monkeypatch):
    """New interest and the connection reach the other organisation's people, never with contact details."""
    from plugins.matchmaking import notify

    told = []
    monkeypatch.setattr(notify, "deliver", lambda kind, ids, project, actor, subject, body, payload:
                        told.append((kind, sorted(ids), subject + body + str(payload))))
    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    assert told == [("matchmaking.interest", [w.people.ben.id], told[0][2])] and "Digitalpaten" in told[0][2]
    ben.post(f"{w.base}/interests/1/accept")
    assert [(kind, ids) for kind, ids, _text in told[1:]] == [("matchmaking.mutual", [w.people.ben.id]),
                                                             ("matchmaking.mutual", [w.people.anna.id])]
    assert not any("geheim" in text for _kind, _ids, text in told)


@pytest.mark.parametrize("rounds", [3])
def test_both_sides_clicking_at_once_make_exactly_one_connection(world, login, rounds):
    """Crossing clicks at the same instant: one connection per pair, both interests accepted."""
    from plugins.matchmaking.models import Connection, Interest

    w = world()
    for attempt in range(rounds):
        if attempt:
            with w.app.app_context():
                db.session.execute(db.delete(Connection))
                db.session.execute(db.delete(Interest))
                db.session.commit()
        anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
        anna.csrf_token(), ben.csrf_token()
        results = run_at_once([
            lambda: mark(anna, w, "challenge", w.challenge, sender=str(w.ini)).status_code,
            lambda: mark(ben, w, "initiative", w.initiative, sender=str(w.body)).status_code,
            lambda: mark(anna, w, "challenge", w.challenge, sender=str(w.ini)).status_code,
            lambda: mark(ben, w, "initiative", w.initiative, sender=str(w.body)).status_code,
        ])
        assert all(code == 302 for code in results), results
        rows, connections = _interests(w.app)
        assert len(connections) == 1, connections
        assert sorted(rows) == sorted([(w.ini, w.body, "accepted"), (w.body, w.ini, "accepted")])


def test_accepting_while_the_other_side_marks_makes_one_connection(world, login):
    from plugins.matchmaking.models import Interest

    w = world()
    anna, ben = login(w.app, w.people.anna), login(w.app, w.people.ben)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    anna.csrf_token(), ben.csrf_token()
    codes = run_at_once([
        lambda: ben.post(f"{w.base}/interests/1/accept").status_code,
        lambda: mark(ben, w, "initiative", w.initiative, sender=str(w.body)).status_code,
    ])
    assert codes == [302, 302]
    assert len(_interests(w.app)[1]) == 1
    with w.app.app_context():
        assert db.session.scalar(db.select(Interest.state).where(Interest.id == 1)) == "accepted"


def test_introductions_connect_only_when_both_accept(world, login):
    w = world()
    initiator, ben, cem = login(w.app, w.people.initiator), login(w.app, w.people.ben), login(w.app, w.cem)
    initiator.post(f"{w.base}/organisers/introductions", data={"body": str(w.body), "partner": str(w.third), "note": "Passt!"})
    assert "The organisers suggest" in ben.get(f"{w.base}/dashboard").get_data(as_text=True)
    ben.post(f"{w.base}/introductions/1/accept")
    assert _interests(w.app)[1] == []
    assert not any(s in ben.get(f"{w.base}/dashboard").get_data(as_text=True) for s in secrets_of("Dorf"))
    assert login(w.app, w.people.anna).post(f"{w.base}/introductions/1/accept").status_code == 403
    cem.post(f"{w.base}/introductions/1/accept")
    assert _interests(w.app)[1] == [(min(w.body, w.third), max(w.body, w.third), "introduction")]
    assert all(s in ben.get(f"{w.base}/dashboard").get_data(as_text=True) for s in secrets_of("Dorf"))


def test_connected_organisations_write_private_messages(world, login):
    w = world()
    anna, ben, cem = login(w.app, w.people.anna), login(w.app, w.people.ben), login(w.app, w.cem)
    mark(anna, w, "challenge", w.challenge, sender=str(w.ini))
    ben.post(f"{w.base}/interests/1/accept")
    sent = ben.post(f"{w.base}/connections/1/messages", data={"body": "Telefonat am Donnerstag?"}, follow_redirects=True)
    assert "Telefonat am Donnerstag?" in sent.get_data(as_text=True)
    assert "Telefonat am Donnerstag?" in anna.get(f"{w.base}/connections/1").get_data(as_text=True)
    assert cem.get(f"{w.base}/connections/1").status_code == 404
    assert login(w.app, w.people.initiator).get(f"{w.base}/connections/1").status_code == 404
    assert cem.post(f"{w.base}/connections/1/messages", data={"body": "x"}).status_code == 404
