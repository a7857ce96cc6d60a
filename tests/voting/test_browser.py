"""Key flows in real Chromium: supporting with htmx (the count updates in place) and answering a poll."""
from __future__ import annotations

import re

import pytest

from tests.voting.conftest import END, START
from core.testing import log_in_browser

pytestmark = pytest.mark.browser



def test_supporting_an_item_updates_the_widget_in_place(rating, live_server, page, screenshot):
    r = rating(max_votes=2)
    base = live_server(r.app)
    log_in_browser(page, base, "anna@example.org", "password-anna")
    page.goto(f"{base}/p/{r.slug}/things")
    first = page.locator(f"#voting-thing-{r.things[0]}")
    button = first.get_by_role("button", name=re.compile(r"Support\s*:\s*Benches"))
    assert button.get_attribute("aria-pressed") == "false"
    page.evaluate("window.voteMarker = 'still the same page'")
    button.click()
    pressed = first.get_by_role("button", name=re.compile(r"Support\s*:\s*Benches"))
    pressed.wait_for()
    page.locator(f'#voting-support-thing-{r.things[0]}[aria-pressed="true"]').wait_for()
    assert first.locator(".voting-count").inner_text() == "1 supporter"
    # No page load happened, the focus stayed on the button and every "votes left" line changed.
    assert page.evaluate("window.voteMarker") == "still the same page"
    assert page.evaluate("document.activeElement.id") == f"voting-support-thing-{r.things[0]}"
    assert page.locator(f"#voting-thing-{r.things[3]} .voting-left").inner_text() == "You have 1 of 2 votes left."
    screenshot("supported")

    page.locator(f"#voting-thing-{r.things[1]}").get_by_role("button", name=re.compile(r"Support\s*:\s*Trees")).click()
    page.locator(f"#voting-thing-{r.things[1]} .voting-count", has_text="1 supporter").wait_for()
    page.locator(f"#voting-thing-{r.things[2]}").get_by_role("button", name=re.compile(r"Support\s*:\s*Lights")).click()
    page.locator(f"#voting-thing-{r.things[2]} [role=alert]").wait_for()
    assert "You have used all 2 votes" in page.locator(f"#voting-thing-{r.things[2]} [role=alert]").inner_text()
    screenshot("limit")

    pressed.click()  # withdraw
    page.locator(f"#voting-thing-{r.things[0]} .voting-count", has_text="0 supporters").wait_for()
    assert page.locator(f"#voting-support-thing-{r.things[0]}").get_attribute("aria-pressed") == "false"


def test_answering_a_poll(make_app, users, project_with_phase, live_server, page, screenshot, clock):
    app = make_app(plugins=["voting"])
    people = users(app)
    slug, _ = project_with_phase(app, "poll", start=START, end=END, people=people)
    base = live_server(app)

    # The initiator builds the poll in the browser.
    log_in_browser(page, base, "initiator@example.org", "password-init")
    page.goto(f"{base}/p/{slug}/poll/manage")
    page.get_by_label(re.compile(r"^Title of the poll")).fill("Park survey")
    page.get_by_role("button", name="Create the poll").click()
    for text, kind, options, extra in (
        ("How often do you visit?", "Single choice (one answer)", "Daily\nWeekly\nNever", {}),
        ("What is missing?", "Multiple choice (several answers)", "Benches\nTrees\nToilets", {"Multiple choice: at most this many answers": "2"}),
        ("Anything else?", "Free text", "", {}),
    ):
        page.get_by_role("link", name="Add a question").click()
        page.get_by_label(re.compile(r"^Question( \*)?$")).fill(text)
        page.get_by_label(re.compile(r"^Type of answer")).select_option(label=kind)
        if options:
            page.get_by_label("Options").fill(options)
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Save question").click()
    screenshot("builder")
    page.get_by_role("button", name="Log out").click()

    log_in_browser(page, base, "anna@example.org", "password-anna")
    page.goto(f"{base}/p/{slug}/poll")
    page.get_by_label("Weekly").check()
    for label in ("Benches", "Trees", "Toilets"):
        page.get_by_label(label).check()
    page.get_by_role("textbox", name="Anything else?").fill("More shade, please.")
    page.get_by_role("button", name="Send my answers").click()
    alert = page.get_by_role("alert")
    assert "Please choose at most 2 answers (you chose 3)." in alert.inner_text()
    assert page.get_by_role("textbox", name="Anything else?").input_value() == "More shade, please."
    assert page.get_by_label("Weekly").is_checked()
    screenshot("invalid")
    page.get_by_label("Toilets").uncheck()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Your answers have been saved").wait_for()
    assert page.get_by_label("Trees").is_checked()
    screenshot("answered")

    clock.set(END)
    page.goto(f"{base}/p/{slug}/poll/results")
    assert page.get_by_role("row", name="Weekly 1 100.0%").is_visible()
    screenshot("results")
