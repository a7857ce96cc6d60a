"""No user text of the matchmaking plugin runs as script (Chromium, CSP off), and every form field is inventoried.

Like :mod:`tests.security.test_xss_browser`, but for ``plugins.matchmaking``: payloads of
:mod:`tests.security.xss_payloads` go into every stored text field through the real forms (as the
organisation members, the organisers and the connected organisations), then the pages that show them are
opened with the :class:`~tests.security.browser_probe.Probe` as a visitor, a member, the other side of a
mutual connection and an organiser.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from tests.security.browser_probe import Probe
from tests.security.xss_payloads import render

#: Stored text, shown to others.
STORED = {
    "matchmaking.ChallengeForm.title": "catalogue cards, challenge page, dashboards, organisers' dashboard, regions",
    "matchmaking.ChallengeForm.description": "challenge page, catalogue cards (excerpt)",
    "matchmaking.ChallengeForm.tried": "challenge page",
    "matchmaking.InitiativeForm.name": "catalogue cards, initiative page, dashboards, regions",
    "matchmaking.InitiativeForm.summary": "catalogue cards, initiative page",
    "matchmaking.InitiativeForm.description": "initiative page",
    "matchmaking.InitiativeForm.licence": "initiative page",
    "matchmaking.InitiativeForm.references": "initiative page",
    "matchmaking.FieldForm.name": "catalogue filter, item pages, organisers' field list, item forms",
    "matchmaking.InterestForm.message": "the receiver's dashboard (\"Your interests\"), connection page",
    "matchmaking.IntroductionForm.note": "both sides' dashboards, organisers' dashboard",
    "matchmaking.MessageForm.body": "message thread of the connection",
    "matchmaking.OrganisationForm.name": "everywhere an organisation is named",
    "matchmaking.OrganisationForm.description": "organisation profile",
    "matchmaking.OrganisationForm.website": "organisation profile (a link; must start with http(s)://)",
    "matchmaking.OrganisationForm.contact_email": "organisation profile for members, connections, organisers",
    "matchmaking.OrganisationForm.contact_name": "organisation profile for members, connections, organisers",
    "matchmaking.OrganisationForm.contact_phone": "organisation profile for members, connections, organisers",
    "matchmaking.OutcomeForm.note": "organisers' dashboard",
    "matchmaking.ActingForm.reason": "organisers' dashboard (reports)",
    "matchmaking.ImportForm.file": "titles, descriptions and organisations of imported CSV rows",
}

CHOICE = "a choice from a fixed list, validated against it"
ORG = "the id of one of the user's organisations (or the project's), validated against the choices"
MULTI = "keys from a fixed vocabulary (or the project's fields), validated against the choices"
REGION = "a municipal key (AGS) or a Land's name, normalised to digits; refused otherwise"

#: Fields that take no free text, and why.
NOT_TEXT = {
    "matchmaking.OrganisationForm.kind": CHOICE,
    "matchmaking.OrganisationForm.region": REGION,
    "matchmaking.ChallengeForm.organisation": ORG,
    "matchmaking.ChallengeForm.region": REGION,
    "matchmaking.ChallengeForm.status": CHOICE,
    "matchmaking.ChallengeForm.fields": MULTI,
    "matchmaking.ChallengeForm.sdgs": MULTI,
    "matchmaking.ChallengeForm.target_groups": MULTI,
    "matchmaking.ChallengeForm.offers": MULTI,
    "matchmaking.InitiativeForm.organisation": ORG,
    "matchmaking.InitiativeForm.maturity": CHOICE,
    "matchmaking.InitiativeForm.regions": "municipal keys or Länder separated by \";\", each normalised; refused otherwise",
    "matchmaking.InitiativeForm.fields": MULTI,
    "matchmaking.InitiativeForm.sdgs": MULTI,
    "matchmaking.InitiativeForm.target_groups": MULTI,
    "matchmaking.InitiativeForm.offers": MULTI,
    "matchmaking.InitiativeForm.needs": MULTI,
    "matchmaking.InterestForm.sender": ORG,
    "matchmaking.InterestForm.challenge": "an id, checked in the view to be one of the sender's challenges",
    "matchmaking.ActingForm.acting": ORG,
    "matchmaking.IntroductionForm.body": "the id of a public body (despite its name: not a text), validated against the choices",
    "matchmaking.IntroductionForm.partner": ORG,
    "matchmaking.OutcomeForm.outcome": CHOICE,
    "matchmaking.ImportForm.kind": CHOICE,
    "matchmaking.WishForm.acting": ORG,
    "matchmaking.WishForm.initiative": "the id of an initiative, validated against the choices",
    "matchmaking.PreferenceForm.recommendations": "a check box",
}


def _form_classes(cls=FlaskForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_classes(sub)


def matchmaking_form_fields() -> set[str]:
    import plugins.matchmaking.forms  # noqa: F401  (defines the classes)

    keys = set()
    for form in _form_classes():
        if form.__module__ != "plugins.matchmaking.forms" or "<locals>" in form.__qualname__:
            continue  # weights_form's per-request class: numbers and extra_kinds (organisers' settings)
        for name in dir(form):
            if isinstance(getattr(form, name, None), UnboundField):
                keys.add(f"matchmaking.{form.__name__}.{name}")
    return keys


def test_every_matchmaking_form_field_is_in_the_inventory():
    found = matchmaking_form_fields()
    assert not set(STORED) & set(NOT_TEXT)
    listed = set(STORED) | set(NOT_TEXT)
    assert not found - listed, f"matchmaking fields the XSS test does not cover yet: {sorted(found - listed)}"
    assert not listed - found, f"listed fields that no longer exist: {sorted(listed - found)}"


#: A representative subset: script tags, handlers, URLs, SVG, breakouts, mutation XSS, htmx, Markdown.
SUBSET = (
    "<script>alert({m})</script>",
    "<img src=x onerror=alert({m})>",
    "<svg/onload=alert({m})>",
    "<details open ontoggle=alert({m})>",
    '<a href="javascript:alert({m})">x</a>',
    "<svg><a xlink:href=\"javascript:alert({m})\"><text y=9>x</text></a></svg>",
    "</title><img src=x onerror=alert({m})>",
    "</textarea><img src=x onerror=alert({m})>",
    '"><img src=x onerror=alert({m})>',
    "' autofocus onfocus='alert({m})' x='",
    '<noscript><p title="</noscript><img src=x onerror=alert({m})>">',
    '<a hx-on:click="alert({m})">x</a>',
    "[x](javascript:alert({m}))",
)

FIELDS = sorted(STORED)


def marker(field: str, index: int) -> int:
    return 900000 + FIELDS.index(field) * 100 + index


def payload(field: str, index: int, prefix: str = "") -> str:
    return prefix + render(SUBSET[index], marker(field, index))


def _multipart(fields: dict, data: bytes, filename: str, boundary="xss-boundary") -> bytes:
    parts = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                     for name, value in fields.items())
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n").encode()
    return parts + head + data + f"\r\n--{boundary}--\r\n".encode()


def _ok(response, what):
    assert response.status_code in (200, 302), (what, response.status_code, response.get_data(as_text=True)[:2000])


def plant(make_app, users, login):
    """A project with an open matchmaking phase; every stored text field of matchmaking holds every payload."""
    import csv
    import io

    from core.testing import T0
    from core.models import User
    from core.services import add_phase, create_project, grant_role
    from core.toolkit import db
    from plugins.matchmaking.models import Challenge, Connection, Field, Initiative, Interest, Organisation

    app = make_app(plugins=["matchmaking"])
    people = users(app)
    with app.app_context():
        project = create_project("netz", "Innovationsnetz", "<p>x</p>", is_public=True)
        grant_role(project, db.session.get(User, people.initiator.id), "initiator")
        add_phase(project, "matchmaking", "Matchmaking", T0 - timedelta(days=1), T0 + timedelta(days=28),
                  settings={"expiry_days": 14, "max_open_requests": 100, "wishlist": True, "wishlist_size": 5})
        field = Field(project_id=project.id, name="Digitale Teilhabe", position=0)
        third = Organisation(project_id=project.id, project=project, name="Dorfmobil", kind="initiative",
                             region="00", created_at=T0)
        db.session.add_all([field, third])
        db.session.commit()
        project_id, field_id, third_id = project.id, field.id, third.id
    base = "/p/netz/matchmaking"
    ben, anna, organiser = login(app, people.ben), login(app, people.anna), login(app, people.initiator)
    planted: set[int] = set()

    def text(key, i, limit=None, prefix=""):
        value = payload(key, i, prefix)
        if limit and len(value) > limit:
            return None
        planted.add(marker(key, i))
        return value

    def org_data(kind, i):
        key = "matchmaking.OrganisationForm."
        data = {"kind": kind, "name": text(key + "name", i) + (" B" if kind == "public_body" else " I"),
                "description": text(key + "description", i),
                "website": text(key + "website", i, prefix="https://e.example/"),
                "contact_name": text(key + "contact_name", i),
                "contact_email": f"x'/onmouseover='alert`{marker(key + 'contact_email', i)}`'@example.org"}
        planted.add(marker(key + "contact_email", i))
        phone = text(key + "contact_phone", i, limit=60)
        if phone:
            data["contact_phone"] = phone
        return data

    for i in range(len(SUBSET)):
        _ok(ben.post(f"{base}/organisations/new", data=org_data("public_body", i)), "public body")
        _ok(anna.post(f"{base}/organisations/new", data=org_data("initiative", i)), "initiative org")
        _ok(organiser.post(f"{base}/organisers/fields", data={"name": text("matchmaking.FieldForm.name", i)}), "field")
    with app.app_context():
        bodies = list(db.session.scalars(db.select(Organisation.id).where(
            Organisation.project_id == project_id, Organisation.kind == "public_body").order_by(Organisation.id)))
        inis = list(db.session.scalars(db.select(Organisation.id).where(
            Organisation.project_id == project_id, Organisation.kind == "initiative", Organisation.id != third_id)
            .order_by(Organisation.id)))
    assert len(bodies) == len(inis) == len(SUBSET)
    for i, (body, ini) in enumerate(zip(bodies, inis)):
        key = "matchmaking.ChallengeForm."
        _ok(ben.post(f"{base}/challenges/new", data={
            "organisation": str(body), "title": text(key + "title", i), "description": text(key + "description", i),
            "tried": text(key + "tried", i), "status": "open", "fields": [str(field_id)], "sdgs": ["3"]}), "challenge")
        key = "matchmaking.InitiativeForm."
        _ok(anna.post(f"{base}/initiatives/new", data={
            "organisation": str(ini), "name": text(key + "name", i), "summary": text(key + "summary", i),
            "description": text(key + "description", i), "licence": text(key + "licence", i),
            "references": text(key + "references", i), "maturity": "pilot", "fields": [str(field_id)]}), "initiative")
    with app.app_context():
        challenges = list(db.session.scalars(db.select(Challenge.id).where(Challenge.project_id == project_id)
                                             .order_by(Challenge.id)))
        initiatives = list(db.session.scalars(db.select(Initiative.id).where(Initiative.project_id == project_id)
                                              .order_by(Initiative.id)))
    for i, (body, ini, challenge) in enumerate(zip(bodies, inis, challenges)):
        _ok(anna.post(f"{base}/interest/challenge/{challenge}", data={
            "sender": str(ini), "message": text("matchmaking.InterestForm.message", i)}), "interest")
        with app.app_context():
            interest = db.session.scalar(db.select(Interest.id).order_by(Interest.id.desc()))
        if i % 2:  # the other half stays open, so the message shows on Ben's dashboard as received
            _ok(ben.post(f"{base}/interests/{interest}/accept"), "accept")
            planted.discard(marker("matchmaking.InterestForm.message", i))  # an answered request's note is not shown
        _ok(organiser.post(f"{base}/organisers/introductions", data={
            "body": str(body), "partner": str(third_id), "note": text("matchmaking.IntroductionForm.note", i)}), "intro")
        _ok(ben.post(f"{base}/organisations/{ini}/report", data={
            "acting": str(body), "reason": text("matchmaking.ActingForm.reason", i)}), "report")
    with app.app_context():
        connections = list(db.session.scalars(db.select(Connection.id).where(Connection.project_id == project_id)
                                              .order_by(Connection.id)))
    assert connections
    for n, connection in enumerate(connections):
        for i in range(n, len(SUBSET), len(connections)):
            _ok(anna.post(f"{base}/connections/{connection}/messages", data={
                "body": text("matchmaking.MessageForm.body", i)}), "message")
        _ok(organiser.post(f"{base}/connections/{connection}/outcome", data={
            "outcome": "pilot_agreed", "note": text("matchmaking.OutcomeForm.note", n)}), "outcome")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "title", "description", "tried", "organisation"])
    key = "matchmaking.ImportForm.file"
    for i in range(len(SUBSET)):
        writer.writerow([f"x{i}", "Import " + text(key, i), text(key, i), text(key, i), "Importamt " + text(key, i)])
    body = _multipart({"csrf_token": organiser.csrf_token(), "kind": "challenges"}, out.getvalue().encode(), "k.csv")
    _ok(organiser.post(f"{base}/organisers/import", data=body, content_type="multipart/form-data; boundary=xss-boundary"),
        "import")
    with app.app_context():
        everything = SimpleNamespace(
            challenges=list(db.session.scalars(db.select(Challenge.id).where(Challenge.project_id == project_id))),
            initiatives=list(db.session.scalars(db.select(Initiative.id).where(Initiative.project_id == project_id))),
            orgs=list(db.session.scalars(db.select(Organisation.id).where(Organisation.project_id == project_id))),
        )
    return SimpleNamespace(app=app, people=people, base=base, planted=planted, bodies=bodies, inis=inis,
                           connections=connections, challenges=challenges, initiatives=initiatives, all=everything)


@pytest.mark.browser
def test_no_matchmaking_text_runs_as_script(make_app, users, login, live_server, browser):
    started = __import__("time").monotonic()
    w = plant(make_app, users, login)
    b = w.base
    pages = int(len(w.all.challenges) / 20) + 1
    public = ([b, f"{b}/initiatives", f"{b}/organisations", f"{b}/regions", f"{b}/regions/03"]
              + [f"{b}?page={n}" for n in range(2, pages + 1)]
              + [f"{b}/initiatives?page=2", f"{b}/organisations?page=2"]
              + [f"{b}/challenges/{i}" for i in w.all.challenges]
              + [f"{b}/initiatives/{i}" for i in w.all.initiatives]
              + [f"{b}/organisations/{i}" for i in w.all.orgs])
    private = [f"{b}/dashboard"] + [f"{b}/connections/{c}" for c in w.connections]
    probe = Probe(browser, live_server(w.app))
    try:
        probe.viewer("visitor").visit(public)
        probe.viewer("ben (member)", "ben@example.org", "password-ben").visit(
            public + private + [f"{b}/organisations/{o}/edit" for o in w.bodies]
            + [f"{b}/challenges/{c}/edit" for c in w.challenges] + [f"{b}/challenges/new"])
        probe.viewer("anna (member, other side)", "anna@example.org", "password-anna").visit(
            public + private + [f"{b}/organisations/{o}/edit" for o in w.inis]
            + [f"{b}/initiatives/{i}/edit" for i in w.initiatives] + [f"{b}/initiatives/new"])
        probe.viewer("organiser", "initiator@example.org", "password-init").visit(
            public + [f"{b}/organisers", f"{b}/organisers/fields", f"{b}/organisers/import"])
    finally:
        probe.close()
    assert probe.hits == [], "\n".join(f"{h.who} {h.url}: {h.what}" for h in probe.hits[:40])
    missing = {field: sorted(m for m in w.planted if (m - 900000) // 100 == FIELDS.index(field)) for field in FIELDS}
    missing = {field: [m for m in markers if m not in probe.seen] for field, markers in missing.items()}
    missing = {field: markers for field, markers in missing.items() if markers}
    assert not missing, f"planted text not found on the pages opened: {missing}"
    assert {(m - 900000) // 100 for m in w.planted} == set(range(len(FIELDS)))
    print(f"{probe.visited} pages in {__import__('time').monotonic() - started:.1f}s")
