"""Writing, replying, editing, deleting, sorting and paging through a thread, with and without htmx."""
from __future__ import annotations

import json
import re

import pytest
import uuid
from datetime import timedelta

from tests.comments.conftest import HX, rows, seed
from tests.conftest import T0


def test_anonymous_readers_see_comments_and_a_login_prompt(world, login):
    seed(world.app, world, world.people.anna, "Mehr Schatten bitte")
    html = login(world.app).get(world.page).get_data(as_text=True)
    assert "Mehr Schatten bitte" in html and "Anna" in html
    assert "to comment and to agree or disagree" in html
    assert "Publish comment" not in html
    assert "anna@example.org" not in html


def test_comment_reply_and_reply_to_reply_are_shown_flattened(world, login):
    client = login(world.app, world.people.anna)
    response = client.post(world.thread, data={"text": "Erster Gedanke", "next": world.page})
    assert response.status_code == 302
    first = rows(world.app)[0]
    assert response.headers["Location"].endswith(f"{world.page}#comment-{first.id}")
    ben = login(world.app, world.people.ben)
    assert ben.post(world.thread, data={"text": "Antwort von Ben", "parent_id": first.id}).status_code == 302
    reply = rows(world.app)[1]
    assert ben.post(world.thread, data={"text": "Antwort auf Ben", "parent_id": first.id}).status_code == 302
    login(world.app, world.people.anna).post(world.thread, data={"text": "Zurück an Ben", "parent_id": reply.id})
    chain = rows(world.app)
    assert [c.root_id for c in chain] == [None, first.id, first.id, first.id]
    assert chain[3].parent_id == reply.id
    # The thread shows the comment with its number of replies; the replies come on demand.
    assert "Show 3 replies" in client.get(world.page).get_data(as_text=True)
    html = client.get(f"/comments/c/{first.id}").get_data(as_text=True)
    replies = html[html.index(f'id="replies-{first.id}"'):]
    assert replies.index("Antwort von Ben") < replies.index("Antwort auf Ben") < replies.index("Zurück an Ben")
    # Only the reply to a reply names whom it answers.
    assert re.search(r'in reply to <a href="#comment-%d">Ben</a>' % reply.id, html)
    assert html.count("in reply to") == 1


def test_htmx_post_swaps_thread_focuses_the_new_comment_and_triggers_an_event(world, login):
    client = login(world.app, world.people.anna)
    response = client.post(world.thread, data={"text": "Per htmx"}, headers=HX)
    assert response.status_code == 200
    comment = rows(world.app)[0]
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<div class="comments-body" id="comments-note-{world.note}-body">')
    assert re.search(rf'id="comment-{comment.id}"[^>]*autofocus', html)
    assert f'id="comments-note-{world.note}-status" hx-swap-oob="innerHTML"' in html
    assert "Your comment was published." in html
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["comments:changed"] == {"target_type": "note", "target_id": world.note, "count": 1}


def test_htmx_reply_swaps_the_replies_and_clears_the_reply_form(world, login):
    root = seed(world.app, world, world.people.ben, "Wurzel")
    client = login(world.app, world.people.anna)
    form = client.get(f"/comments/c/{root}/reply", headers=HX).get_data(as_text=True)
    assert f'id="reply-form-{root}"' in form and "Your reply to Ben" in form and "autofocus" in form
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    response = client.post(world.thread, data={"text": "Eine Antwort", "parent_id": root, "token": token}, headers=HX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<div class="replies" id="replies-{root}">')
    assert "Eine Antwort" in html and f'<div id="slot-{root}" hx-swap-oob="innerHTML"></div>' in html
    # The discussion's heading counts the reply at once (out of band), as for a new comment.
    dom_id = f"comments-note-{world.note}"
    assert f'<span class="count" id="{dom_id}-count" hx-swap-oob="true">(2 comments)</span>' in html
    assert json.loads(response.headers["HX-Trigger"])["comments:changed"]["count"] == 2
    # The comment's own page, where one can reply too, has that count for htmx to update.
    page = client.get(f"/comments/c/{root}").get_data(as_text=True)
    assert f'<span class="count" id="{dom_id}-count">(2 comments)</span>' in page


def test_same_token_twice_stores_one_comment(world, login):
    client = login(world.app, world.people.anna)
    token = str(uuid.uuid4())
    first = client.post(world.thread, data={"text": "Doppelklick", "token": token})
    second = client.post(world.thread, data={"text": "Doppelklick", "token": token})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert [c.text for c in rows(world.app)] == ["Doppelklick"]
    # Another person may of course use "the same" token without colliding.
    login(world.app, world.people.ben).post(world.thread, data={"text": "Ben", "token": token})
    assert len(rows(world.app)) == 2


def test_edit_own_comment_with_and_without_htmx(world, login):
    cid = seed(world.app, world, world.people.anna, "Alter Text")
    client = login(world.app, world.people.anna)
    edit_form = client.get(f"/comments/c/{cid}/edit", headers=HX).get_data(as_text=True)
    assert f'<div id="comment-{cid}" class="comment comment-editing">' in edit_form and "Alter Text" in edit_form
    response = client.post(f"/comments/c/{cid}/edit", data={"text": "Neuer Text"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Neuer Text" in html and "edited on" in html
    assert rows(world.app)[0].text == "Neuer Text" and rows(world.app)[0].edited_at is not None
    # Without JavaScript: a page with the form, then a redirect back to the comment.
    page = client.get(f"/comments/c/{cid}/edit?next={world.page}")
    assert page.status_code == 200 and "Edit your comment" in page.get_data(as_text=True)
    response = client.post(f"/comments/c/{cid}/edit", data={"text": "Dritter Text", "next": world.page})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{world.page}#comment-{cid}")


def test_others_cannot_edit_or_delete(world, login):
    cid = seed(world.app, world, world.people.anna, "Meins")
    ben = login(world.app, world.people.ben)
    assert ben.get(f"/comments/c/{cid}/edit").status_code == 403
    assert ben.post(f"/comments/c/{cid}/edit", data={"text": "Gehackt"}).status_code == 403
    assert ben.post(f"/comments/c/{cid}/delete").status_code == 403
    anonymous = login(world.app)
    assert "/login" in anonymous.post(f"/comments/c/{cid}/delete").headers["Location"]
    # Moderators moderate; they do not rewrite people's words either.
    assert login(world.app, world.people.moderator).post(f"/comments/c/{cid}/edit", data={"text": "x"}).status_code == 403
    comment = rows(world.app)[0]
    assert comment.text == "Meins" and comment.status == "visible"
    html = ben.get(world.page).get_data(as_text=True)
    assert f"/comments/c/{cid}/edit" not in html


def test_delete_leaves_a_placeholder_and_replies_keep_their_context(world, login):
    root = seed(world.app, world, world.people.anna, "Wird gelöscht")
    seed(world.app, world, world.people.ben, "Antwort bleibt", parent=root)
    lonely = seed(world.app, world, world.people.anna, "Ohne Antworten")
    client = login(world.app, world.people.anna)
    response = client.post(f"/comments/c/{root}/delete", headers=HX)
    assert "This comment was deleted." in response.get_data(as_text=True)
    # The discussion's heading stops counting it at once (out of band), without a reload.
    count = f'<span class="count" id="comments-note-{world.note}-count" hx-swap-oob="true">(2 comments)</span>'
    assert count in response.get_data(as_text=True)
    client.post(f"/comments/c/{lonely}/delete")
    html = client.get(world.page).get_data(as_text=True)
    assert "Wird gelöscht" not in html and "Ohne Antworten" not in html
    assert html.count("This comment was deleted.") == 1  # the one without replies disappears
    assert "Show 1 reply" in html
    assert "(1 comment)" in html
    assert "Antwort bleibt" in client.get(f"/comments/c/{root}/replies", headers=HX).get_data(as_text=True)
    deleted = rows(world.app, id=root)[0]
    assert deleted.status == "deleted" and deleted.text == "" and deleted.html == ""


def test_xss_is_rendered_harmless_and_links_are_linkified(world, login):
    client = login(world.app, world.people.anna)
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a> https://example.org/plan'
    client.post(world.thread, data={"text": payload})
    html = client.get(world.page).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://example.org/plan" rel="nofollow noopener noreferrer">https://example.org/plan</a>' in html


def test_length_limit_has_a_clear_message_and_keeps_the_text(world, login):
    client = login(world.app, world.people.anna)
    text = "x" * 4001
    response = client.post(world.thread, data={"text": text, "next": world.page})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your comment is too long: 4,001 characters, at most 4,000 are possible. Please shorten it by 1 character." in html
    assert text in html and 'aria-invalid="true"' in html
    htmx = client.post(world.thread, data={"text": text}, headers=HX)
    assert htmx.status_code == 422 and htmx.headers["HX-Retarget"] == f"#comments-note-{world.note}-form"
    german = client.post(world.thread, data={"text": text}, headers={"Accept-Language": "de"})
    assert "Ihr Kommentar ist zu lang: 4.001 Zeichen" in german.get_data(as_text=True)
    assert client.post(world.thread, data={"text": "x" * 4000}).status_code == 302
    assert client.post(world.thread, data={"text": "   "}).status_code == 422
    assert len(rows(world.app)) == 1


def test_post_without_csrf_token_is_refused(world, login):
    client = login(world.app, world.people.anna)
    response = client.post(world.thread, data={"text": "Ohne Token"}, csrf=False)
    assert response.status_code == 400
    assert rows(world.app) == []


def test_unknown_types_other_projects_and_foreign_parents_are_not_found(world, login):
    client = login(world.app, world.people.anna)
    assert client.post("/comments/idea/1", data={"text": "x"}).status_code == 404
    assert client.post(f"/comments/note/{world.note + 999}", data={"text": "x"}).status_code == 404
    foreign = seed(world.app, world, world.people.ben, "Anderswo", target=world.ids.other_note)
    assert client.post(world.thread, data={"text": "x", "parent_id": foreign}).status_code == 404
    assert client.post(world.thread, data={"text": "x", "parent_id": "abc"}).status_code == 404
    assert len(rows(world.app)) == 1
    # The comment is stored with the project of its target.
    client.post(f"/comments/note/{world.ids.other_note}", data={"text": "Dort"})
    assert rows(world.app, text="Dort")[0].project_id == world.ids.other_project


def test_private_projects_hide_their_threads(world, login, capp):
    from core.extensions import db
    from core.models import Project

    with capp.app_context():
        db.session.get(Project, world.ids.project).is_public = False
        db.session.commit()
    assert login(capp, world.people.anna).get(world.thread).status_code == 404
    assert login(capp, world.people.anna).post(world.thread, data={"text": "x"}).status_code == 404
    assert login(capp, world.people.moderator).get(world.thread).status_code == 200


def test_sorting_newest_oldest_most_agreed(world, login):
    a = seed(world.app, world, world.people.anna, "Alpha", created_at=T0 - timedelta(hours=3))
    b = seed(world.app, world, world.people.anna, "Bravo", created_at=T0 - timedelta(hours=2))
    c = seed(world.app, world, world.people.anna, "Charlie", created_at=T0 - timedelta(hours=1))
    for voter in (world.people.ben, world.people.moderator):
        login(world.app, voter).post(f"/comments/c/{b}/vote", data={"value": "agree"})
    login(world.app, world.people.ben).post(f"/comments/c/{a}/vote", data={"value": "agree"})
    client = login(world.app)

    def order(sort):
        html = client.get(f"{world.thread}?sort={sort}").get_data(as_text=True)
        return [w for w in re.findall(r"<p>(Alpha|Bravo|Charlie)</p>", html)]

    assert order("newest") == ["Charlie", "Bravo", "Alpha"]
    assert order("oldest") == ["Alpha", "Bravo", "Charlie"]
    assert order("agreed") == ["Bravo", "Alpha", "Charlie"]
    assert order("bogus") == ["Charlie", "Bravo", "Alpha"]
    fragment = client.get(f"{world.thread}?sort=oldest&focus=sort", headers=HX).get_data(as_text=True)
    assert re.search(r'aria-current="true"\s+autofocus>Oldest first', fragment)
    assert c


def test_pagination_with_show_more_and_plain_links(world, login):
    for i in range(45):
        seed(world.app, world, world.people.anna, f"Nummer {i:02d}", created_at=T0 - timedelta(minutes=100 - i))
    client = login(world.app)
    first = client.get(world.page).get_data(as_text=True)
    assert first.count('class="comment-item"') == 20 and "Nummer 44" in first and "Nummer 24" not in first
    assert "(45 comments)" in first
    assert f'href="/comments/note/{world.note}?sort=newest&amp;page=2"' in first
    more = client.get(f"{world.thread}/more?sort=newest&page=2", headers=HX).get_data(as_text=True)
    assert more.count('class="comment-item"') == 20 and "Nummer 24" in more and "Nummer 05" in more
    assert "page=3" in more and re.search(r'id="comment-\d+"[^>]*autofocus', more)
    last = client.get(f"{world.thread}?sort=newest&page=3").get_data(as_text=True)
    assert last.count('class="comment-item"') == 5 and "Previous comments" in last and "Show more comments" not in last
    assert client.get(f"{world.thread}/more?page=2").status_code == 302


def _shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article[^>]*id="comment-(\d+)"', html)]


@pytest.mark.parametrize("sort", ["newest", "oldest", "agreed"])
def test_show_more_never_repeats_a_comment_when_others_post_meanwhile(world, login, sort):
    ids = [seed(world.app, world, world.people.anna, f"Nummer {i:02d}", created_at=T0 - timedelta(minutes=100 - i))
           for i in range(30)]
    ben = login(world.app, world.people.ben)
    for cid in ids[::3]:  # some agreements, so "most agreed" has an order of its own
        ben.post(f"/comments/c/{cid}/vote", data={"value": "agree"})
    reader = login(world.app)
    first = reader.get(f"{world.thread}?sort={sort}").get_data(as_text=True)
    on_screen = _shown_ids(first)
    assert len(on_screen) == 20
    more_url = re.search(r'hx-get="([^"]+/more\?[^"]+)"', first).group(1).replace("&amp;", "&")
    # Meanwhile five more comments arrive (newest first: they push the list down by five).
    anna = login(world.app, world.people.anna)
    for i in range(5):
        anna.post(world.thread, data={"text": f"Inzwischen {i}"})
    more = reader.get(more_url, headers=HX).get_data(as_text=True)
    shown_more = _shown_ids(more)
    assert not set(shown_more) & set(on_screen), "a comment was shown twice"
    # Nothing of the original thirty is skipped either.
    assert set(ids) <= set(on_screen) | set(shown_more)


def test_replies_load_on_demand(world, login):
    root = seed(world.app, world, world.people.anna, "Wurzel")
    replies = [seed(world.app, world, world.people.ben, f"Antwort {i}", parent=root) for i in range(8)]
    client = login(world.app)
    html = client.get(world.page).get_data(as_text=True)
    assert "Wurzel" in html and "Antwort 0" not in html
    link = re.search(r'<a class="button secondary small" href="([^"]+)"\s+hx-get="([^"]+)"[^>]*>\s*Show 8 replies</a>', html)
    assert link, "the comment shows how many replies it has, as a link"
    assert link.group(1) == f"/comments/c/{root}#comment-{root}" and link.group(2) == f"/comments/c/{root}/replies"
    more = client.get(f"/comments/c/{root}/replies", headers=HX).get_data(as_text=True)
    assert all(f"Antwort {i}" in more for i in range(8)) and "Show" not in more
    # Focus moves to the first reply, where a screen reader reads on.
    assert re.search(r'<article id="comment-%d"[^>]*autofocus' % replies[0], more)
    assert more.count("autofocus") == 1
    # A reply sent without JavaScript leads to the comment's page, where every reply is shown.
    answer = login(world.app, world.people.ben).post(world.thread, data={"text": "Noch eine", "parent_id": root})
    newest = rows(world.app)[-1]
    assert answer.headers["Location"].endswith(f"/comments/c/{root}#comment-{newest.id}")
    # Without JavaScript the link opens the comment's page with every reply.
    page = client.get(f"/comments/c/{root}")
    assert page.status_code == 200 and "Antwort 7" in page.get_data(as_text=True)
    assert client.get(f"/comments/c/{root}/replies").status_code == 302


def test_german_interface(world, login):
    seed(world.app, world, world.people.ben, "Hallo")
    html = login(world.app, world.people.anna).get(world.page, headers={"Accept-Language": "de"}).get_data(as_text=True)
    for text in ("Diskussion", "Kommentar veröffentlichen", "Zustimmen", "Ablehnen", "Antworten", "Melden", "Neueste zuerst"):
        assert text in html, text
