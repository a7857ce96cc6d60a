"""Key flows in a real Chromium: submit an idea, find it in the list, filter the list with htmx."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.conftest import T0
from tests.ideas.conftest import make_idea
from core.testing import log_in_browser

pytestmark = pytest.mark.browser



def test_a_participant_submits_an_idea_and_filters_the_list(ideas_app, setup_ideas, live_server, page, screenshot):
    ctx = setup_ideas(ideas_app)
    for i, (title, category) in enumerate([("Radweg Lindenstraße", "Verkehr"), ("Blühwiese am Markt", "Grün"),
                                           ("Tempo 30 vor der Kita", "Verkehr")]):
        make_idea(ideas_app, ctx, ctx.people.ben, title, "Eine Beschreibung, die erklärt, worum es geht.",
                  category, created_at=T0 - timedelta(hours=3 - i))
    base = live_server(ideas_app)
    log_in_browser(page, base, "anna@example.org", "password-anna")

    page.goto(f"{base}/p/{ctx.slug}/ideas")
    screenshot("list")
    page.get_by_role("link", name="Submit an idea").click()
    page.get_by_label(re.compile(r"^Title")).fill("Mehr Bäume für den Kiez")
    page.get_by_label(re.compile(r"^Description")).fill("Schatten im Sommer.\n\nUnd Platz für Vögel.")
    page.get_by_label(re.compile(r"^Category")).select_option(label="Grün")
    page.get_by_label("Place (optional)").fill("Marktplatz")
    screenshot("form")
    page.get_by_role("button", name="Publish idea").click()
    page.get_by_role("heading", level=1, name="Mehr Bäume für den Kiez").wait_for()
    assert "Your idea has been published" in page.text_content("#flash")
    screenshot("idea")

    page.get_by_role("link", name="All ideas").click()
    titles = page.locator(".idea-title")
    assert titles.first.text_content() == "Mehr Bäume für den Kiez"
    assert titles.count() == 4

    # Filtering swaps the list in place (no reload) and puts the filter in the address.
    page.evaluate("window.__stayed = true")
    page.get_by_label("Category").select_option(label="Verkehr")
    page.wait_for_url("**category=*")
    page.locator("#idea-count", has_text="2 ideas found").wait_for()
    assert titles.all_text_contents() == ["Tempo 30 vor der Kita", "Radweg Lindenstraße"]
    assert page.evaluate("window.__stayed") is True
    page.get_by_label("Search", exact=True).fill("kita")
    page.locator("#idea-count", has_text="1 idea found").wait_for()
    assert titles.all_text_contents() == ["Tempo 30 vor der Kita"]
    assert page.evaluate("window.__stayed") is True
    screenshot("filtered")

    # Back to all ideas via the browser history restores the unfiltered list.
    page.go_back()
    page.go_back()
    page.locator("#idea-count", has_text="4 ideas").wait_for()


def test_the_list_works_without_javascript(ideas_app, setup_ideas, live_server, browser):
    ctx = setup_ideas(ideas_app)
    make_idea(ideas_app, ctx, ctx.people.ben, "Radweg", category="Verkehr")
    make_idea(ideas_app, ctx, ctx.people.ben, "Blühwiese", category="Grün")
    base = live_server(ideas_app)
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{base}/p/{ctx.slug}/ideas")
        page.get_by_label("Category").select_option(label="Grün")
        page.get_by_role("button", name="Show ideas").click()
        page.wait_for_url("**category=*")
        assert page.locator(".idea-title").all_text_contents() == ["Blühwiese"]
    finally:
        context.close()
