"""The site's frame around logged-in readers' pages (core/page_frame.py).

The frame is rendered once per kind of reader and filled per person: each
reader must see their own name, unread count, CSRF token and language, an
admin's links must never reach others, and a flashed message still shows.
"""
from __future__ import annotations

import re

import pytest
from flask import render_template_string
from markupsafe import Markup

from core.extensions import db
from core.models import Project, User
from core.page_frame import MAIN, NAME, FrameReader, render_page
from core.testing import CSRF_RE
from tests.commenting.conftest import add_comments, capp, draft  # noqa: F401 - fixtures: a draft with a commenting phase

pytestmark = pytest.mark.usefixtures("draft")


def _chapter(draft) -> str:
    return f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}"


def _header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def _tokens(html: str) -> set[str]:
    return {next(g for g in match.groups() if g) for match in CSRF_RE.finditer(html)}


def _notify_anna(draft, n: int) -> None:
    from core.toolkit import notify

    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        for i in range(n):
            notify("comments.reply", [draft.people.anna.id], project=project, actor=draft.people.ben.id,
                   excerpt=f"Antwort {i}", url="/", dedupe_key=f"reply-{i}")
        db.session.commit()


def test_readers_of_one_frame_each_see_their_own_name_count_and_token(draft, login):
    _notify_anna(draft, 2)
    anna, ben = login(draft.app, draft.people.anna), login(draft.app, draft.people.ben)
    first = ben.get(_chapter(draft)).get_data(as_text=True)  # renders the frame
    page = anna.get(_chapter(draft)).get_data(as_text=True)  # from the frame
    again = ben.get(_chapter(draft)).get_data(as_text=True)

    assert ">Anna</a>" in _header(page) and "Ben" not in _header(page)
    assert '<span class="notification-count">2</span>' in page
    assert ">Ben</a>" in _header(first) and ">Ben</a>" in _header(again)
    assert "notification-count\">" not in _header(first) and "notification-count\">" not in _header(again)
    assert "\x00" not in page + first + again
    # Each token is the reader's own: the logout form, the language switch and htmx's header carry it.
    assert len(_tokens(page)) == 1 and _tokens(page).isdisjoint(_tokens(first) | _tokens(again))
    token = _tokens(page).pop()
    assert f'"X-CSRFToken": "{token}"' in page
    answer = anna.post("/logout", data={"csrf_token": token}, csrf=False)
    assert answer.status_code == 302
    assert "Log in" in anna.get(_chapter(draft)).get_data(as_text=True)


def test_the_page_is_the_same_as_the_frame_less_rendering_but_for_the_reader(draft, login):
    """Filled from its frame, the page is what rendering it whole gave (the title and content included)."""
    app = draft.app
    ben = login(app, draft.people.ben)
    served = ben.get(_chapter(draft)).get_data(as_text=True)
    served_again = ben.get(_chapter(draft)).get_data(as_text=True)
    with app.test_request_context(_chapter(draft)):
        from flask_login import login_user

        login_user(db.session.get(User, draft.people.ben.id))
        whole = render_template_string(
            '{% extends "commenting/chapter.html" %}', title=Markup("Kapitel – Entwurf"), main=Markup("<p>Inhalt</p>"))
        framed = render_page("commenting/chapter.html", title=Markup("Kapitel – Entwurf"), main=Markup("<p>Inhalt</p>"))
        framed_again = render_page("commenting/chapter.html", title=Markup("Kapitel – Entwurf"),
                                   main=Markup("<p>Inhalt</p>"))
    assert re.sub(r"\s+", " ", framed) == re.sub(r"\s+", " ", whole)
    assert framed_again == framed
    assert served_again.count("<h1") == served.count("<h1") >= 1


def test_an_admins_links_stay_in_the_admins_frame(draft, login):
    admin, anna = login(draft.app, draft.people.admin), login(draft.app, draft.people.anna)
    assert "/admin/plugins" in admin.get(_chapter(draft)).get_data(as_text=True)
    assert "/admin/plugins" not in anna.get(_chapter(draft)).get_data(as_text=True)
    assert "/admin/plugins" in admin.get(_chapter(draft)).get_data(as_text=True)


def test_each_reader_gets_the_frame_in_their_language(draft, login):
    with draft.app.app_context():
        db.session.get(User, draft.people.anna.id).locale = "de"
        db.session.commit()
    anna, ben = login(draft.app, draft.people.anna), login(draft.app, draft.people.ben)
    english = ben.get(_chapter(draft)).get_data(as_text=True)
    german = anna.get(_chapter(draft)).get_data(as_text=True)
    assert '<html lang="en">' in english and ">Log out<" in english
    assert '<html lang="de">' in german and ">Abmelden<" in german and ">Log out<" not in german


def test_a_flashed_message_shows_once_in_a_framed_page(draft, login):
    anna = login(draft.app, draft.people.anna)
    anna.get(_chapter(draft))  # the frame is cached
    with anna.session_transaction() as session:
        session["_flashes"] = [("info", "Gespeichert.")]
    assert "Gespeichert." in anna.get(_chapter(draft)).get_data(as_text=True)
    assert "Gespeichert." not in anna.get(_chapter(draft)).get_data(as_text=True)


def test_the_content_cannot_forge_a_mark_and_the_frame_knows_nothing_personal(draft):
    """Title and content are joined in as they are; a layout asking the frame's reader for more gets nothing."""
    app = draft.app
    with app.test_request_context(_chapter(draft)):
        from flask_login import login_user

        login_user(db.session.get(User, draft.people.anna.id))
        html = render_page("commenting/chapter.html", title=Markup("Titel"), main=Markup(f"<p>{NAME}{MAIN}</p>"))
        assert f"<p>{NAME}{MAIN}</p>" in html  # not replaced by Anna's name or the content again
        reader = FrameReader(is_admin=False)
        assert render_template_string("[{{ current_user.email }}]", current_user=reader) == "[]"
        assert str(reader.display_name) == NAME


def test_anonymous_readers_get_the_whole_page(draft, login):
    html = login(draft.app).get(_chapter(draft)).get_data(as_text=True)
    assert "Log in" in _header(html) and not _tokens(html) and "\x00" not in html


def test_a_thread_page_in_the_frame_keeps_each_readers_buttons(draft, login):
    paragraph = draft.paragraph_ids[0]
    [ben_comment] = add_comments(draft.app, draft.project_id, "paragraph", paragraph, 1, draft.people.ben.id)
    anna, ben = login(draft.app, draft.people.anna), login(draft.app, draft.people.ben)
    for_ben = ben.get(f"/comments/paragraph/{paragraph}").get_data(as_text=True)
    for_anna = anna.get(f"/comments/paragraph/{paragraph}").get_data(as_text=True)
    assert f"/comments/c/{ben_comment}/edit" in for_ben and f"/comments/c/{ben_comment}/edit" not in for_anna
    assert ">Anna</a>" in _header(for_anna) and ">Ben</a>" in _header(for_ben)
    assert "<title>Discussion: " in for_anna and "\x00" not in for_anna + for_ben
