"""Reports, hiding, restoring, moderator remarks, bulk actions and the moderation log."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from tests.comments.conftest import HX, rows, seed


def _log(app):
    from plugins.comments.models import ModerationLog

    with app.app_context():
        return [(e.action, e.comment_id, e.moderator_id, e.reason)
                for e in db.session.scalars(db.select(ModerationLog).order_by(ModerationLog.id))]


def test_report_once_with_reason(world, login):
    cid = seed(world.app, world, world.people.anna, "Grenzwertig")
    ben = login(world.app, world.people.ben)
    form = ben.get(f"/comments/c/{cid}/report", headers=HX).get_data(as_text=True)
    assert "Report this comment to the moderators" in form and f'for="report-{cid}-reason"' in form
    response = ben.post(f"/comments/c/{cid}/report", data={"reason": "insult", "text": "Sehr unfreundlich"}, headers=HX)
    html = response.get_data(as_text=True)
    assert "Thank you. The moderators will look at this comment." in html and "You reported this comment." in html
    again = ben.post(f"/comments/c/{cid}/report", data={"reason": "spam", "next": world.page})
    assert again.status_code == 302
    assert "You have reported this comment already." in ben.get(world.page).get_data(as_text=True)
    assert ben.post(f"/comments/c/{cid}/report", data={"reason": "nonsense"}).status_code == 422
    assert login(world.app, world.people.anna).post(f"/comments/c/{cid}/report", data={"reason": "spam"}).status_code == 403
    assert "/login" in login(world.app).post(f"/comments/c/{cid}/report", data={"reason": "spam"}).headers["Location"]
    from plugins.comments.models import Report

    with world.app.app_context():
        reports = db.session.scalars(db.select(Report)).all()
        assert [(r.user_id, r.reason, r.text) for r in reports] == [(world.people.ben.id, "insult", "Sehr unfreundlich")]


def test_queue_lists_reported_first_with_counts_and_reasons(world, login):
    calm = seed(world.app, world, world.people.anna, "Ruhiger Beitrag")
    rude = seed(world.app, world, world.people.anna, "Unhöflicher Beitrag")
    login(world.app, world.people.ben).post(f"/comments/c/{rude}/report", data={"reason": "insult", "text": "Gemein"})
    login(world.app, world.people.initiator).post(f"/comments/c/{rude}/report", data={"reason": "spam"})
    page = login(world.app, world.people.moderator).get(f"/p/{world.slug}/comments/moderation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    reported = html[html.index("Reported comments"):html.index("Recent comments")]
    assert "Unhöflicher Beitrag" in reported and "Ruhiger Beitrag" not in reported
    assert "2 reports" in reported and "Insult, harassment or hate" in reported and "Gemein" in reported
    assert "Spam or advertising" in reported
    recent = html[html.index("Recent comments"):]
    assert "Ruhiger Beitrag" in recent and "Unhöflicher Beitrag" in recent
    assert "ben@example.org" not in html
    # Moderators see the report count inline in the thread, too.
    thread = login(world.app, world.people.moderator).get(world.page).get_data(as_text=True)
    assert "Reported 2 times" in thread
    assert calm


def test_tab_and_queue_only_for_moderators(world, login):
    project_page = f"/p/{world.slug}"
    for person in (world.people.moderator, world.people.initiator, world.people.admin):
        client = login(world.app, person)
        assert "/comments/moderation" in client.get(project_page).get_data(as_text=True)
        assert client.get(f"/p/{world.slug}/comments/moderation").status_code == 200
    for person in (world.people.anna, None):
        client = login(world.app, person)
        assert "/comments/moderation" not in client.get(project_page).get_data(as_text=True)
    assert login(world.app, world.people.anna).get(f"/p/{world.slug}/comments/moderation").status_code == 403
    assert "/login" in login(world.app).get(f"/p/{world.slug}/comments/moderation").headers["Location"]


def test_non_moderators_cannot_moderate(world, login):
    cid = seed(world.app, world, world.people.anna, "Text")
    ben = login(world.app, world.people.ben)
    assert ben.get(f"/comments/c/{cid}/moderate").status_code == 403
    assert ben.post(f"/comments/c/{cid}/hide", data={"reason": "x"}).status_code == 403
    assert ben.post(f"/comments/c/{cid}/restore").status_code == 403
    assert ben.post(f"/comments/c/{cid}/remark", data={"remark": "x"}).status_code == 403
    assert ben.post(f"/p/{world.slug}/comments/moderation/bulk", data={"ids": [cid], "action": "hide", "reason": "x"}).status_code == 403
    # A moderator of another project is nobody here.
    assert login(world.app, world.people.moderator).post(
        f"/p/other/comments/moderation/bulk", data={"ids": [cid], "action": "hide", "reason": "x"}
    ).status_code == 403
    comment = rows(world.app)[0]
    assert comment.status == "visible" and comment.moderator_remark is None
    assert _log(world.app) == []


def test_hide_restore_and_remark(world, login):
    cid = seed(world.app, world, world.people.anna, "Beleidigender Text")
    reporter = login(world.app, world.people.ben)
    reporter.post(f"/comments/c/{cid}/report", data={"reason": "insult"})
    moderator = login(world.app, world.people.moderator)
    panel = moderator.get(f"/comments/c/{cid}/moderate", headers=HX).get_data(as_text=True)
    assert "Hide this comment" in panel and f'for="hide-{cid}-reason"' in panel
    assert moderator.post(f"/comments/c/{cid}/hide", data={"reason": ""}, headers=HX).status_code == 422
    response = moderator.post(f"/comments/c/{cid}/hide", data={"reason": "Beleidigung"}, headers=HX)
    html = response.get_data(as_text=True)
    assert "Hidden by moderation:</strong> Beleidigung" in html and "Beleidigender Text" in html  # moderators still see it
    assert "comments:changed" in response.headers["HX-Trigger"]
    public = reporter.get(world.page).get_data(as_text=True)
    assert "Hidden by moderation:</strong> Beleidigung" in public and "Beleidigender Text" not in public
    assert login(world.app).get(f"/comments/c/{cid}").get_data(as_text=True).count("Beleidigender Text") == 0
    # Reports are settled by hiding; the queue no longer lists the comment as reported.
    queue = moderator.get(f"/p/{world.slug}/comments/moderation").get_data(as_text=True)
    assert "No open reports." in queue
    # Hidden comments cannot be rated, edited or replied to.
    assert reporter.post(f"/comments/c/{cid}/vote", data={"value": "agree"}).status_code == 403
    assert login(world.app, world.people.anna).post(f"/comments/c/{cid}/edit", data={"text": "Umgangen"}).status_code == 403
    assert reporter.post(world.thread, data={"text": "x", "parent_id": cid}).status_code == 403
    restore = moderator.post(f"/comments/c/{cid}/restore", data={"next": world.page})
    assert restore.status_code == 302 and restore.headers["Location"].endswith(f"#comment-{cid}")
    assert "Beleidigender Text" in reporter.get(world.page).get_data(as_text=True)
    response = moderator.post(f"/comments/c/{cid}/remark", data={"remark": "Bitte sachlich bleiben."}, headers=HX)
    html = response.get_data(as_text=True)
    assert re.search(r'class="moderator-remark".*Moderator remark</p>\s*<p>Bitte sachlich bleiben.</p>', html, re.S)
    assert "Moderator remark" in reporter.get(world.page).get_data(as_text=True)
    moderator.post(f"/comments/c/{cid}/remark", data={"remark": ""})
    assert rows(world.app)[0].moderator_remark is None
    assert [(a, c, r) for a, c, _m, r in _log(world.app)] == [
        ("hide", cid, "Beleidigung"), ("restore", cid, ""), ("remark", cid, "Bitte sachlich bleiben."),
        ("remark_removed", cid, ""),
    ]
    assert {m for _a, _c, m, _r in _log(world.app)} == {world.people.moderator.id}
    log = moderator.get(f"/p/{world.slug}/comments/moderation").get_data(as_text=True)
    log = log[log.index("Moderation log"):]
    assert "Moderator" in log and "Hidden" in log and "Beleidigung" in log and "Remark removed" in log


def test_bulk_hide_and_dismiss(world, login):
    ids = [seed(world.app, world, world.people.anna, f"Spam {i}") for i in range(3)]
    for cid in ids:
        login(world.app, world.people.ben).post(f"/comments/c/{cid}/report", data={"reason": "spam"})
    moderator = login(world.app, world.people.moderator)
    url = f"/p/{world.slug}/comments/moderation/bulk"
    response = moderator.post(url, data={"ids": ids[:2], "action": "hide", "reason": ""})
    assert response.status_code == 302 and [c.status for c in rows(world.app)] == ["visible"] * 3
    response = moderator.post(url, data={"ids": ids[:2], "action": "hide", "reason": "Werbung"}, follow_redirects=True)
    assert "2 of 2 selected comments were changed." in response.get_data(as_text=True)
    assert [c.status for c in rows(world.app)] == ["hidden", "hidden", "visible"]
    moderator.post(url, data={"ids": [ids[2]], "action": "dismiss"})
    queue = moderator.get(f"/p/{world.slug}/comments/moderation").get_data(as_text=True)
    assert "No open reports." in queue
    assert [a for a, *_ in _log(world.app)] == ["hide", "hide", "dismiss"]
    # Ids of another project are not found.
    foreign = seed(world.app, world, world.people.anna, "Anderswo", target=world.ids.other_note)
    assert moderator.post(url, data={"ids": [foreign], "action": "hide", "reason": "x"}).status_code == 404


def dangling_htmx_targets(html: str) -> list[str]:
    """``hx-target="#x"`` values whose element is not on the page: htmx would do nothing there (targetError)."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    return [target for target in re.findall(r'hx-target="#([^"]+)"', html) if target not in ids]


def test_form_pages_of_single_comments_post_plainly_and_return_with_a_message(world, login):
    """The moderation queue links to "Moderate" on a page of its own; so do edit, reply and report links
    without JavaScript. Their forms must work there too, with htmx loaded: no target outside the page."""
    mine = seed(world.app, world, world.people.anna, "Mein Kommentar")
    other = seed(world.app, world, world.people.ben, "Bens Kommentar")
    queue = f"/p/{world.slug}/comments/moderation"
    moderator = login(world.app, world.people.moderator)
    anna = login(world.app, world.people.anna)
    pages = [
        (moderator, f"/comments/c/{other}/moderate?next={queue}"),
        (anna, f"/comments/c/{mine}/edit?next={world.page}"),
        (anna, f"/comments/c/{other}/reply?next={world.page}"),
        (anna, f"/comments/c/{other}/report?next={world.page}"),
    ]
    for client, url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<form" in html and dangling_htmx_targets(html) == [], url

    # Hiding and the remark from the queue's "Moderate" page return to the queue with their message.
    response = moderator.post(f"/comments/c/{other}/hide", data={"reason": "Beleidigung", "next": queue})
    assert response.status_code == 302 and response.headers["Location"].startswith(queue)
    page = moderator.get(queue).get_data(as_text=True)
    assert "The comment is hidden." in page and 'badge-hidden' in page
    response = moderator.post(f"/comments/c/{other}/remark", data={"remark": "Bitte sachlich.", "next": queue})
    assert response.status_code == 302 and "The moderator remark was saved." in moderator.get(queue).get_data(as_text=True)
    # Saving on the edit page returns to the discussion, at the comment, with a confirmation.
    response = anna.post(f"/comments/c/{mine}/edit", data={"text": "Mein geänderter Kommentar", "next": world.page})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{world.page}#comment-{mine}")
    page = anna.get(world.page).get_data(as_text=True)
    assert "Your changes were saved." in page and "Mein geänderter Kommentar" in page


def _leads_to(html: str, target: str) -> bool:
    """Whether a link or a form's ``next`` on the page leads to ``target``."""
    escaped = target.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&#34;")
    return any(f'{attribute}="{value}' in html for attribute in ("href", "value", "action", "hx-get")
               for value in {target, escaped, target.strip()})


@pytest.mark.parametrize("next_value", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                                        "//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(world, login, next_value):
    cid = seed(world.app, world, world.people.ben, "Kommentar")
    anna = login(world.app, world.people.anna)
    # The form page of a comment that could not be published links back to where the reader came from.
    response = anna.post(world.thread, data={"text": "", "next": next_value})
    assert response.status_code == 422 and "Back to the discussion" in response.get_data(as_text=True)
    assert not _leads_to(response.get_data(as_text=True), next_value)
    for url in (f"/comments/c/{cid}/reply", f"/comments/c/{cid}/report"):
        assert not _leads_to(anna.get(url, query_string={"next": next_value}).get_data(as_text=True), next_value)
    response = anna.post(f"/comments/c/{cid}/vote", data={"value": "agree", "next": next_value})
    assert response.status_code == 302 and response.headers["Location"].startswith("/")
    assert not response.headers["Location"].startswith(("//", "/\\"))
