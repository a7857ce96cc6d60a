"""CSRF, XSS, private projects, headers and error pages: refused server-side, explained kindly."""
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from core.extensions import db
from core.sanitize import clean_html, text_to_html
from tests.conftest import T0
from tests.core import notes_plugin

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<svg/onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '"><iframe src="//evil.example"></iframe>',
]


@pytest.fixture
def notes_app(make_app):
    return make_app(plugins=[], extra_plugins=[notes_plugin])


def test_post_without_csrf_token_is_refused_and_stores_nothing(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0 + timedelta(days=3), people=people)
    client = login(notes_app, people.anna)
    response = client.post(f"/p/{slug}/notes", data={"text": "forged"}, csrf=False)
    assert response.status_code == 400
    assert "The form has expired or was sent from elsewhere." in response.get_data(as_text=True)
    with notes_app.app_context():
        assert db.session.scalars(db.select(notes_plugin.Note)).all() == []


def test_htmx_csrf_error_goes_to_the_flash_area(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0 + timedelta(days=3), people=people)
    response = login(notes_app, people.anna).post(f"/p/{slug}/notes", data={"text": "x"}, csrf=False, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    assert "<!doctype html>" not in response.get_data(as_text=True)


def test_csrf_token_in_htmx_header_is_accepted(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0 + timedelta(days=3), people=people)
    client = login(notes_app, people.anna)
    token = client.csrf_token()
    response = client.post(f"/p/{slug}/notes", data={"text": "via htmx"}, csrf=False, headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302


class _Elements(HTMLParser):
    """Collects the tags and attributes a browser would build from some HTML."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    for tag, attrs in _Elements(html).found:
        assert tag not in {"script", "iframe", "svg", "img", "object", "embed", "style"}, tag
        assert not any(name.startswith("on") or name == "style" for name in attrs), attrs
        assert not attrs.get("href", "").lower().startswith("javascript"), attrs


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizer_removes_script_in_every_form(payload):
    assert_harmless(str(clean_html(payload)))
    assert_harmless(str(text_to_html(payload)))


def test_sanitizer_keeps_formatting_and_hardens_links():
    html = str(clean_html('<p><strong>Wichtig</strong>: <a href="https://example.org">Plan</a></p><ul><li>eins</li></ul>'))
    assert "<strong>Wichtig</strong>" in html and "<ul><li>eins</li></ul>" in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_project_description_xss_is_rendered_harmless(notes_app, users, login):
    people = users(notes_app)
    client = login(notes_app, people.admin)
    client.post("/admin/projects/new", data={"title": "<script>alert(1)</script>", "slug": "x", "description": XSS_PAYLOADS[1], "is_public": "y"})
    page = client.get("/p/x").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert_harmless(page.split('<main', 1)[1])


def test_private_project_is_invisible_to_outsiders(notes_app, users, login, project_with_phase):
    people = users(notes_app)
    slug, _ = project_with_phase(notes_app, "notes", start=T0, end=T0 + timedelta(days=3), people=people, is_public=False)
    outsider = login(notes_app, people.anna)
    assert outsider.get(f"/p/{slug}").status_code == 404
    assert outsider.get(f"/p/{slug}/notes").status_code == 404
    assert outsider.post(f"/p/{slug}/notes", data={"text": "x"}).status_code == 404
    assert "City plan" not in outsider.get("/").get_data(as_text=True)
    assert notes_app.test_client().get(f"/p/{slug}").status_code == 404
    # Invited members see it and take part; so do the initiator and admins.
    login(notes_app, people.initiator).post(f"/p/{slug}/manage/members", data={"email": "anna@example.org", "role": "member"})
    assert outsider.get(f"/p/{slug}").status_code == 200
    assert "City plan" in outsider.get("/").get_data(as_text=True)
    assert outsider.post(f"/p/{slug}/notes", data={"text": "member note"}).status_code == 302
    assert login(notes_app, people.admin).get(f"/p/{slug}").status_code == 200


def test_security_headers(notes_app):
    response = notes_app.test_client().get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_friendly_404_and_500_without_stack_trace(make_app):
    import types

    from flask import Blueprint

    from core import hookimpl

    bp = Blueprint("boom", __name__)

    @bp.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    plugin = types.SimpleNamespace(PLUGIN_NAME="boom", register_blueprints=hookimpl(lambda: [bp]))
    app = make_app(plugins=[], extra_plugins=[plugin])
    client = app.test_client()
    missing = client.get("/does-not-exist")
    assert missing.status_code == 404 and "Page not found" in missing.get_data(as_text=True)
    error = client.get("/boom")
    page = error.get_data(as_text=True)
    assert error.status_code == 500 and "Something went wrong" in page
    assert "Traceback" not in page and "secret internals" not in page
    german = client.get("/does-not-exist", headers={"Accept-Language": "de"})
    assert "Seite nicht gefunden" in german.get_data(as_text=True)


def test_fragment_helper_varies_on_hx_request(notes_app):
    from flask import Flask

    from core.htmx import render_page_or_fragment

    @notes_app.get("/frag-test")
    def frag():
        return render_page_or_fragment("errors/error.html", "errors/_message.html", code=400, title="T", message="M")

    client = notes_app.test_client()
    full = client.get("/frag-test")
    part = client.get("/frag-test", headers={"HX-Request": "true"})
    boosted = client.get("/frag-test", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<!doctype html>" in full.get_data(as_text=True)
    assert part.get_data(as_text=True).startswith('<p class="flash flash-error"')
    assert "<!doctype html>" in boosted.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]
