"""The whole draft with its discussion, printed to PDF by real Chromium: everything in order, nothing to click."""
from __future__ import annotations

import io
import re

import pytest

from tests.commenting.test_document import _discussion

pytestmark = pytest.mark.browser

#: What the screen shows around the text and paper must not: navigation, buttons, forms, the footer.
SCREEN_ONLY = ("Skip to content", "Log in", "Register", "Overview", "Print / save as PDF", "Show the text without comments",
               "Powered by Mitsprache", "Language", "Change", "Comments are welcome until")


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_printed_draft_holds_every_paragraph_and_comment_in_order(draft, live_server, page, screenshot):
    _discussion(draft)
    base = live_server(draft.app)
    page.goto(f"{base}/p/{draft.slug}/documents/{draft.document_id}/full?with=comments")
    button = page.get_by_role("button", name="Print / save as PDF")
    assert button.is_visible()  # print.js shows it
    screenshot("screen")
    page.emulate_media(media="print")
    screenshot("print-media")
    text = _pdf_text(page.pdf(format="A4"))
    order = ["Klimastrategie 2030", "Einleitung vor dem ersten Kapitel.", "1. Ausgangslage",
             "1.1", "Erster Absatz über die Lage.", "Erste Meinung", "Antwort auf die erste", "Antwort auf die Antwort",
             "Zweite Antwort auf die erste", "Zweite Meinung", "This comment was deleted.", "Antwort auf Zurückgezogenes",
             "1.2", "Gebäude", "Verkehr", "1.3", "Dritter Absatz mit Betonung.", "2. Maßnahmen",
             "2.1", "Mehr Radwege.", "2.2", "Mehr Bäume.", "Comments on the chapter as a whole", "Zum ganzen Kapitel"]
    positions = []
    start = text.index("Einleitung") - 40  # past the contents, which name the chapters first
    for words in order[1:]:
        start = text.index(words, start)
        positions.append(start)
    assert positions == sorted(positions)
    assert "Anna" in text and "Ben" in text and "March 2026" in text  # authors and dates
    for words in SCREEN_ONLY:
        assert words not in text, words
    assert "Beleidigung" not in text and "Versteckte Antwort" not in text


def test_without_javascript_there_is_no_print_button_and_the_page_prints_the_same(draft, live_server, browser):
    base = live_server(draft.app)
    context = browser.new_context(java_script_enabled=False, locale="en-GB", viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{base}/p/{draft.slug}/documents/{draft.document_id}/full")
        assert page.get_by_role("heading", name="Klimastrategie 2030").is_visible()
        assert page.locator("[data-print]").is_hidden()
        page.emulate_media(media="print")
        text = _pdf_text(page.pdf(format="A4"))
        assert "Mehr Bäume." in text and "2.2" in text and "Log in" not in text
    finally:
        context.close()
