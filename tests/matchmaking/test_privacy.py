"""The privacy crawl: every page and fragment of the plugin, as four kinds of people, leaks no contact detail.

Contact details of an organisation are for the organisers and for organisations
with a mutual connection. We crawl every GET route of the plugin (read from
``app.url_map``, so a new page is crawled without changing this test), each as a
full page and as an htmx fragment, plus the exports, as

- a visitor, a logged-in participant without an organisation,
- a member of a third organisation (connected with the public body, not with the initiative),
- the sender of an interest the receiver has not answered yet,

and look for every contact detail they may not see, and for the connection's private messages.
"""
from __future__ import annotations

import itertools
import re

from core.toolkit import create_user, db

from .conftest import secrets_of

PRIVATE_MESSAGE = "Unser Treffpunkt ist vertraulich"


def _setup(w, login):
    anna, ben, cem = login(w.app, w.people.anna), login(w.app, w.people.ben), login(w.app, w.cem)
    # Cem's Dorfmobil and Ben's Stadt Celle are connected and exchanged a private message.
    assert ben.post(f"{w.base}/interest/organisation/{w.third}", data={"sender": str(w.body)}).status_code == 302
    assert cem.post(f"{w.base}/interests/1/accept").status_code == 302
    cem.post(f"{w.base}/connections/1/messages", data={"body": PRIVATE_MESSAGE})
    # Anna's Digitalpaten asked Stadt Celle; no answer yet.
    assert anna.post(f"{w.base}/interest/challenge/{w.challenge}", data={"sender": str(w.ini), "message": "Hallo"}).status_code == 302
    # A wish list, a report and an introduction, so their pages have content.
    ben.post(f"{w.base}/wishlist", data={"acting": str(w.body), "initiative": str(w.initiative)})
    login(w.app, w.people.initiator).post(f"{w.base}/organisers/introductions",
                                          data={"body": str(w.body), "partner": str(w.ini)})


def _urls(app, slug):
    """Every GET route of the plugin, with every id that exists filled in, and the plugin's exports."""
    pools = {"slug": [slug], "item_id": ["1", "2", "3"], "connection_id": ["1"], "interest_id": ["1", "2"],
             "introduction_id": ["1"], "wish_id": ["1"], "field_id": ["1", "2"], "report_id": ["1"],
             "code": ["03", "03351"], "kinds": ["challenges", "initiatives"],
             "target_kind": ["challenge", "initiative", "organisation"], "target_id": ["1", "2", "3"]}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("matchmaking.") or "GET" not in rule.methods:
            continue
        names = sorted(rule.arguments)
        missing = [n for n in names if n not in pools]
        assert not missing, f"the crawl does not know how to fill {missing} in {rule.rule}"
        for values in itertools.product(*(pools[n] for n in names)):
            path = rule.build(dict(zip(names, values)), append_unknown=False)[1]
            urls.append(path)
    base = f"/p/{slug}/matchmaking"
    urls += [f"{base}?q=Offliner", f"{base}/initiatives?region=03", f"{base}/organisers/allocation?compute=1",
             f"/p/{slug}", f"/p/{slug}/manage"]
    urls += [f"/p/{slug}/export/{key}.{fmt}" for key in ("challenges", "initiatives", "connections") for fmt in ("csv", "xlsx")]
    return urls


def _text(response) -> str:
    data = response.get_data()
    if data[:2] == b"PK":  # an XLSX: look inside its XML
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    return data.decode("utf-8", "replace")


def test_no_contact_detail_reaches_anyone_not_allowed(world, login):
    w = world()
    _setup(w, login)
    with w.app.app_context():
        eve = create_user("eve@example.org", "password-eve", "Eve")
        db.session.commit()
        eve = type("P", (), {"id": eve.id})
    forbidden = {
        "visitor": (login(w.app), secrets_of("Celle") + secrets_of("Paten") + secrets_of("Dorf") + [PRIVATE_MESSAGE]),
        "participant": (login(w.app, eve), secrets_of("Celle") + secrets_of("Paten") + secrets_of("Dorf") + [PRIVATE_MESSAGE]),
        "third organisation": (login(w.app, w.cem), secrets_of("Paten")),
        "sender before the answer": (login(w.app, w.people.anna), secrets_of("Celle") + secrets_of("Dorf") + [PRIVATE_MESSAGE]),
    }
    urls = _urls(w.app, w.slug)
    assert len(urls) > 40
    seen = 0
    for who, (client, secrets) in forbidden.items():
        for url in urls:
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code < 500, (who, url, response.status_code)
                text = _text(response)
                leaked = [s for s in secrets if s in text or re.escape(s) in text]
                assert not leaked, f"{who} sees {leaked} at {url} {headers}"
                seen += response.status_code == 200
    assert seen > 100


def test_the_allowed_do_see_contact_details(world, login):
    w = world()
    _setup(w, login)
    cem, initiator = login(w.app, w.cem), login(w.app, w.people.initiator)
    assert all(s in cem.get(f"{w.base}/organisations/{w.body}").get_data(as_text=True) for s in secrets_of("Celle"))
    organiser_view = initiator.get(f"{w.base}/organisations/{w.ini}").get_data(as_text=True)
    assert all(s in organiser_view for s in secrets_of("Paten"))
    export = initiator.get(f"/p/{w.slug}/export/initiatives.csv").get_data(as_text=True)
    assert secrets_of("Paten")[0] in export
    anna = login(w.app, w.people.anna)
    assert all(s in anna.get(f"{w.base}/organisations/{w.ini}").get_data(as_text=True) for s in secrets_of("Paten"))


def test_pending_interest_is_seen_by_sender_receiver_and_organisers_only(world, login):
    w = world()
    _setup(w, login)
    assert "Hallo" in login(w.app, w.people.ben).get(f"{w.base}/dashboard").get_data(as_text=True)
    organiser = login(w.app, w.people.initiator).get(f"{w.base}/organisers").get_data(as_text=True)
    assert "Digitalpaten" in organiser and "Pending" in organiser
    for client in (login(w.app), login(w.app, w.cem)):
        for url in (f"{w.base}/challenges/{w.challenge}", f"{w.base}/organisations/{w.ini}", f"{w.base}/organisations/{w.body}",
                    f"{w.base}/dashboard"):
            page = client.get(url, follow_redirects=True).get_data(as_text=True)
            assert "Hallo" not in page and "No answer yet" not in page and "Awaiting your answer" not in page
