"""A phase's public results: written and published by the initiator, hidden from everyone else until then."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from core import hookimpl
from core.extensions import db
from core.registry import ResultSection
from core.testing import T0, run_at_once
from tests.core import notes_plugin

END = T0 + timedelta(days=10)
PREVIEW = "Preview – not published yet"


@pytest.fixture
def site(make_app, users, project_with_phase):
    """An app with one ``notes`` phase (T0 to T0+10 days) run by the demo initiator and moderator."""
    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    people = users(app)
    slug, phase_id = project_with_phase(app, "notes", start=T0, end=END, people=people)
    return SimpleNamespace(app=app, people=people, slug=slug, phase_id=phase_id,
                           page=f"/p/{slug}/results/{phase_id}", edit=f"/p/{slug}/manage/phases/{phase_id}/results")


def _write(client, site, action="save", **fields):
    data = {"text": "<p>Wir haben 40 Hinweise erhalten.</p>", "next_steps": "<p>Der Rat entscheidet im Mai.</p>",
            "link_url": "https://example.org/entwurf-2.pdf", "link_label": "Überarbeiteter Entwurf",
            "action": action, **fields}
    return client.post(site.edit, data=data)


def _stored(site):
    from core.results.models import PhaseResult

    with site.app.app_context():
        row = db.session.scalar(db.select(PhaseResult))
        return None if row is None else SimpleNamespace(text=row.text_html, link=row.link_url,
                                                        published_at=row.published_at)


def test_results_are_hidden_until_published_and_staff_see_a_preview(site, login, clock):
    clock.advance(days=11)
    initiator = login(site.app, site.people.initiator)
    assert _write(initiator, site).status_code == 302
    for person in (None, site.people.anna):
        client = login(site.app, person)
        for url in (site.page, site.page + "/report"):
            assert client.get(url).status_code == 404
        assert "notes phase" not in client.get(f"/p/{site.slug}/results").get_data(as_text=True)
    for person in (site.people.initiator, site.people.moderator, site.people.admin):
        page = login(site.app, person).get(site.page)
        assert page.status_code == 200 and PREVIEW in page.get_data(as_text=True)

    assert _write(initiator, site, action="publish").status_code == 302
    page = login(site.app, None).get(site.page).get_data(as_text=True)
    assert PREVIEW not in page and "Wir haben 40 Hinweise erhalten." in page and "Der Rat entscheidet im Mai." in page
    assert 'href="https://example.org/entwurf-2.pdf"' in page and "Überarbeiteter Entwurf" in page
    # The exact end of participation, in the deployment's zone (T0+10 days = 8 April 2026, 12:00 in Berlin).
    assert "Participation ended on 8 April 2026, 12:00 (time zone Europe/Berlin). Results published on 9 April 2026" in page
    assert "notes phase" in login(site.app, None).get(f"/p/{site.slug}/results").get_data(as_text=True)


def test_only_the_initiator_publishes_and_unpublishes(site, login, clock):
    clock.advance(days=11)
    _write(login(site.app, site.people.initiator), site)
    for person in (None, site.people.anna, site.people.moderator):
        response = _write(login(site.app, person), site, action="publish")
        assert response.status_code in (302, 403, 404)
        assert _stored(site).published_at is None
    _write(login(site.app, site.people.initiator), site, action="publish")
    assert _stored(site).published_at == T0 + timedelta(days=11)
    for person in (None, site.people.anna, site.people.moderator):
        login(site.app, person).post(site.edit + "/unpublish")
        assert _stored(site).published_at is not None
    login(site.app, site.people.initiator).post(site.edit + "/unpublish")
    assert _stored(site).published_at is None and "40 Hinweise" in _stored(site).text
    assert login(site.app, None).get(site.page).status_code == 404


def test_publishing_waits_for_the_end_of_the_phase(site, login, clock):
    clock.advance(days=2)
    initiator = login(site.app, site.people.initiator)
    response = _write(initiator, site, action="publish")
    assert response.status_code == 400
    assert "Results can be published once the phase has ended (8 April 2026, 12:00)." in response.get_data(as_text=True)
    assert _stored(site) is None
    assert _write(initiator, site).status_code == 302  # a draft may be written while the phase runs
    form = initiator.get(site.edit).get_data(as_text=True)
    assert "Save and publish" not in form and "the results can be published after that" in form
    preview = initiator.get(site.page).get_data(as_text=True)
    assert PREVIEW in preview and "Participation is open until 8 April 2026, 12:00 (time zone Europe/Berlin)." in preview
    clock.advance(days=9)
    assert _write(initiator, site, action="publish", text="").status_code == 400  # nothing to publish
    assert _stored(site).published_at is None


def test_results_text_is_sanitized(site, login, clock):
    clock.advance(days=11)
    initiator = login(site.app, site.people.initiator)
    _write(initiator, site, action="publish", text='<p onclick="x()">Gut<script>alert(1)</script></p>',
           next_steps='<a href="javascript:alert(2)">weiter</a>')
    page = login(site.app, None).get(site.page).get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:" not in page and "onclick" not in page
    assert "<p>Gutalert(1)</p>" in page and ">weiter<" in page


@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://",
                                     "http://[::1", "https://exa mple.org"])
def test_the_link_must_be_a_web_address_with_a_localized_error(site, login, address):
    initiator = login(site.app, site.people.initiator)
    response = _write(initiator, site, link_url=address)
    assert response.status_code == 400 and _stored(site) is None
    assert "Enter a complete web address that starts with https:// or http://." in response.get_data(as_text=True)
    german = initiator.post(site.edit, data={"text": "x", "link_url": address, "action": "save"},
                            headers={"Accept-Language": "de"})
    assert "Geben Sie eine vollständige Webadresse ein, die mit https:// oder http:// beginnt." in german.get_data(
        as_text=True)


def test_see_the_results_leads_to_the_module_until_results_are_published(site, login, clock):
    clock.advance(days=11)
    anonymous = login(site.app, None)

    def target():
        page = anonymous.get(f"/p/{site.slug}").get_data(as_text=True)
        match = re.search(r'<a class="button secondary" href="([^"]+)">\s*See the results', page)
        return match.group(1)

    assert target() == f"/p/{site.slug}/notes"
    initiator = login(site.app, site.people.initiator)
    _write(initiator, site)
    assert target() == f"/p/{site.slug}/notes"
    _write(initiator, site, action="publish")
    assert target() == site.page
    initiator.post(site.edit + "/unpublish")
    assert target() == f"/p/{site.slug}/notes"


def test_results_page_in_german(site, login, clock):
    clock.advance(days=11)
    initiator = login(site.app, site.people.initiator)
    _write(initiator, site)
    german = {"Accept-Language": "de"}
    preview = initiator.get(site.page, headers=german).get_data(as_text=True)
    assert "Vorschau – noch nicht veröffentlicht" in preview
    _write(initiator, site, action="publish")
    page = login(site.app, None).get(site.page, headers=german).get_data(as_text=True)
    assert "Die Beteiligung endete am 8. April 2026, 12:00 Uhr (Zeitzone Europe/Berlin)." in page
    assert "Nächste Schritte" in page and "Ergebnisse ansehen" in login(site.app, None).get(
        f"/p/{site.slug}", headers=german).get_data(as_text=True)
    report = login(site.app, None).get(site.page + "/report", headers=german).get_data(as_text=True)
    assert "Drucken / als PDF speichern" in report and "data-results-print hidden" in report


def test_plugin_sections_follow_the_text_in_their_order(make_app, users, project_with_phase, login, clock):
    figures = SimpleNamespace(PLUGIN_NAME="figures", phase_results=hookimpl(lambda project, phase: [
        ResultSection("Second", Markup("<p>two</p>"), order=20, key="figures.b"),
        ResultSection("First", Markup("<p>one</p>"), order=10, key="figures.a")]))
    app = make_app(plugins=[], extra_plugins=[notes_plugin, figures])
    people = users(app)
    slug, phase_id = project_with_phase(app, "notes", start=T0, end=END, people=people)
    clock.advance(days=11)
    initiator = login(app, people.initiator)
    initiator.post(f"/p/{slug}/manage/phases/{phase_id}/results", data={"text": "Ergebnis", "action": "publish"})
    page = login(app, None).get(f"/p/{slug}/results/{phase_id}").get_data(as_text=True)
    assert page.index("Ergebnis") < page.index(">First<") < page.index("<p>one</p>") < page.index(">Second<")


def test_results_of_many_phases_saved_at_once_are_each_their_own(make_app, users, login, clock):
    """Initiators of eight projects save results at the same moment; every row holds exactly its own text."""
    from core.models import User
    from core.results.models import PhaseResult
    from core.services import add_phase, create_project, grant_role

    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    people = users(app)
    phases = []
    with app.app_context():
        for number in range(8):
            project = create_project(f"p{number}", f"Project {number}")
            grant_role(project, db.session.get(User, people.initiator.id), "initiator")
            phases.append((project.slug, add_phase(project, "notes", "Phase", T0, END)))
        db.session.commit()
        phases = [(slug, phase.id) for slug, phase in phases]
    clock.advance(days=11)
    clients = [login(app, people.initiator) for _ in phases]
    for client in clients:
        client.csrf_token()

    def text(slug, n):
        return f"<p>Projekt {slug} Nr. {n}: Bäume &amp; <b>Bänke</b><script>x()</script></p>"

    def saver(client, slug, phase_id):
        def job():
            return [client.post(f"/p/{slug}/manage/phases/{phase_id}/results",
                                data={"text": text(slug, n), "next_steps": f"Schritt {slug}-{n}",
                                      "action": "save"}).status_code for n in range(6)]
        return job

    statuses = run_at_once([saver(client, slug, phase_id) for client, (slug, phase_id) in zip(clients, phases)])
    assert all(status == 302 for batch in statuses for status in batch)
    from core.sanitize import clean_html

    with app.app_context():
        stored = {row.phase_id: (row.text_html, row.next_steps_html) for row in db.session.scalars(db.select(PhaseResult))}
        expected = {phase_id: (str(clean_html(text(slug, 5))), str(clean_html(f"Schritt {slug}-5")))
                    for slug, phase_id in phases}
    assert stored == expected


@pytest.mark.browser
def test_the_print_button_appears_only_where_javascript_runs(site, login, clock, live_server, browser):
    """Without JavaScript the button could not print, so it is not there; the browser's menu prints the page."""
    clock.advance(days=11)
    _write(login(site.app, site.people.initiator), site, action="publish")
    base = live_server(site.app)
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, viewport={"width": 375, "height": 800})
        page = context.new_page()
        page.goto(base + site.page + "/report")
        assert page.get_by_role("heading", name="Summary report: notes phase").is_visible()
        assert page.get_by_role("button", name="Print / save as PDF").is_visible() is javascript
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()  # the printed report is the report only
        context.close()
