"""In real Chromium with comments, ideas and voting enabled: an idea submitted in phase 1 is supported in
phase 2 (htmx, in place) and the list is sorted by support; a poll is answered. The live server shares
the app and its FrozenClock, so moving the clock moves the site into the next phase."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from tests.integration.conftest import BOTH, RATING_END, RATING_START, make_people, submit_idea, support
from core.testing import log_in_browser

pytestmark = pytest.mark.browser



def test_an_idea_from_phase_one_is_supported_in_phase_two(kiez, login, live_server, page, screenshot, clock):
    k = kiez()
    ben = login(k.app, k.people.ben)
    submit_idea(ben, k, "Bänke am Kanal", "Grün", "Zum Ausruhen mit Blick aufs Wasser.", "Kanalufer")
    clock.advance(hours=1)
    fest = submit_idea(ben, k, "Kiezfest im September", "Verkehr", "Straße sperren, Flohmarkt, Musik.")
    clock.advance(hours=1)
    base = live_server(k.app)

    # Phase 1: Anna submits an idea.
    log_in_browser(page, base, "anna@example.org", "password-anna")
    page.goto(f"{base}/p/{k.slug}/ideas")
    page.get_by_role("link", name="Submit an idea").click()
    page.get_by_label(re.compile(r"^Title")).fill("Mehr Bäume in der Lindenstraße")
    page.get_by_label(re.compile(r"^Description")).fill("Schatten im Sommer.\n\nUnd Platz für Vögel.")
    page.get_by_label(re.compile(r"^Category")).select_option(label="Grün")
    page.get_by_label("Place (optional)").fill("Lindenstraße")
    page.get_by_role("button", name="Publish idea").click()
    page.get_by_role("heading", level=1, name="Mehr Bäume in der Lindenstraße").wait_for()
    assert "Your idea has been published" in page.text_content("#flash")
    idea = int(re.search(r"/ideas/(\d+)$", page.url).group(1))
    assert page.locator(f"#voting-idea-{idea}").inner_text() == "Rating starts on 31 March 2026, 12:00."
    screenshot("phase1-idea")

    # Phase 2: others have supported the festival already.
    clock.set(RATING_START)
    for person in [k.people.ben, *make_people(k.app, 1)]:
        assert support(login(k.app, person), fest).status_code == 302
    page.goto(f"{base}/p/{k.slug}/ideas")
    assert page.locator(".idea-title").all_text_contents() == [
        "Mehr Bäume in der Lindenstraße", "Kiezfest im September", "Bänke am Kanal"]
    assert page.get_by_text("Ideas could be submitted until 31 March 2026, 12:00.").is_visible()
    mine = page.locator(f"#voting-idea-{idea}")
    button = mine.get_by_role("button", name=re.compile(r"^\+?\s*Support\s*:\s*Mehr Bäume in der Lindenstraße$"))
    assert button.get_attribute("aria-pressed") == "false"
    assert mine.locator(".voting-count").inner_text() == "0 supporters"
    assert mine.locator(".voting-left").inner_text() == "You have 3 of 3 votes left."
    screenshot("phase2-list")

    page.evaluate("window.__stayed = true")
    button.click()
    page.locator(f'#voting-support-idea-{idea}[aria-pressed="true"]').wait_for()
    assert mine.locator(".voting-count").inner_text() == "1 supporter"
    assert "Press again to withdraw support." in mine.inner_text()
    assert page.evaluate("window.__stayed") is True  # changed in place, no page load
    assert page.evaluate("document.activeElement.id") == f"voting-support-idea-{idea}"
    assert page.locator(".voting-left").all_inner_texts() == ["You have 2 of 3 votes left."] * 3
    assert page.locator("#flash [role=status]").inner_text() == "You support “Mehr Bäume in der Lindenstraße”."
    screenshot("phase2-supported")

    # Sort by support: the list is swapped in place and the order follows the counts.
    page.get_by_label("Sort by").select_option(label="Most supported")
    page.wait_for_url("**sort=support*")
    page.locator(".idea-title").first.filter(has_text="Kiezfest im September").wait_for()
    assert page.locator(".idea-title").all_text_contents() == [
        "Kiezfest im September", "Mehr Bäume in der Lindenstraße", "Bänke am Kanal"]
    assert page.locator(".voting-count").all_inner_texts() == ["2 supporters", "1 supporter", "0 supporters"]
    assert page.evaluate("window.__stayed") is True
    screenshot("phase2-sorted")

    # After phase 2 the counts stay and the buttons are gone.
    clock.set(RATING_END)
    page.reload()
    assert page.locator(".voting-count").all_inner_texts() == ["2 supporters", "1 supporter", "0 supporters"]
    assert page.locator(".voting-button").count() == 0
    screenshot("ended")


def test_answering_a_poll_next_to_ideas(make_app, users, project_with_phase, live_server, page, screenshot):
    from core.models import Project
    from plugins.voting.models import Option, Poll, Question

    app = make_app(plugins=BOTH)
    people = users(app)
    slug, _ = project_with_phase(app, "poll", start=RATING_START.replace(day=1), end=RATING_END, people=people,
                                 slug="stadtpark", title="Stadtpark")
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        poll = Poll(project_id=project.id, title="Stadtpark der Zukunft", intro="Zwei kurze Fragen.")
        single = Question(poll=poll, position=0, kind=Question.SINGLE, required=True, text="Wie oft sind Sie im Park?")
        single.options = [Option(text=t, position=i) for i, t in enumerate(["Täglich", "Jede Woche", "Seltener"])]
        text = Question(poll=poll, position=1, kind=Question.TEXT, required=False, max_length=500,
                        text="Was wünschen Sie sich?")
        db.session.add_all([poll, single, text])
        db.session.commit()
    base = live_server(app)

    log_in_browser(page, base, "anna@example.org", "password-anna")
    page.goto(f"{base}/p/{slug}")
    page.get_by_role("link", name="Poll", exact=True).click()
    page.get_by_role("heading", level=1, name="Stadtpark der Zukunft").wait_for()
    page.get_by_role("button", name="Send my answers").click()
    assert "Please correct 1 answer" in page.get_by_role("alert").inner_text()
    page.get_by_label("Jede Woche").check()
    page.get_by_role("textbox", name="Was wünschen Sie sich?").fill("Mehr Schatten.")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Your answers have been saved").wait_for()
    assert page.get_by_label("Jede Woche").is_checked()
    assert page.get_by_role("button", name="Save my changed answers").is_visible()
    screenshot("answered")
