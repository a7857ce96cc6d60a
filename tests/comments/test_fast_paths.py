"""The fast paths: small htmx answers to new comments, a short write transaction, cached pages for anonymous readers.

Whatever is cached or left out must not change what anyone sees: a new comment, vote or hidden
comment shows up for anonymous readers at once, and one reader's buttons never reach another.
"""
from __future__ import annotations

import json
import re

from core.testing import count_queries
from tests.comments.conftest import HX, rows, seed

SHOWN_NEWEST = {"shown": "newest:1"}


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


# ---------------------------------------------------------------------------
# posting with htmx: only the new comment travels
# ---------------------------------------------------------------------------


def test_htmx_post_answers_with_the_new_comment_a_fresh_form_the_count_and_the_message(world, login):
    for i in range(25):
        seed(world.app, world, world.people.ben, f"Älterer Kommentar {i}")
    client = login(world.app, world.people.anna)
    page = client.get(world.thread).get_data(as_text=True)
    dom = f"comments-note-{world.note}"
    # The form swaps itself and says which sort and page are on screen.
    assert re.search(rf'<form class="comment-form" id="{dom}-form"[^>]*hx-target="this"', page)
    assert """hx-vals='{"shown": "newest:1"}'""" in page
    assert f'<ol class="comment-list" id="{dom}-list">' in page
    sent = _token(page)

    response = client.post(world.thread, data={"text": "Ganz neu", "token": sent, **SHOWN_NEWEST}, headers=HX)
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    html = response.get_data(as_text=True)
    new = rows(world.app)[-1]
    assert new.text == "Ganz neu"
    # The primary swap: a fresh, empty form with a new one-time token.
    assert html.lstrip().startswith(f'<form class="comment-form" id="{dom}-form"')
    assert _token(html) != sent and "Ganz neu</textarea>" not in html
    # Out of band: the comment at the top of the list (focused), the count, the status message.
    assert f'<ol hx-swap-oob="afterbegin:#{dom}-list"><li class="comment-item">' in html
    assert re.search(rf'id="comment-{new.id}"[^>]*autofocus', html)
    assert f'<span class="count" id="{dom}-count" hx-swap-oob="true">(26 comments)</span>' in html
    assert f'id="{dom}-status" hx-swap-oob="innerHTML"><span>Your comment was published.</span>' in html
    # Nothing else of the thread: the answer stays small however long the thread is.
    assert "Älterer Kommentar" not in html and html.count('class="comment-item"') == 1
    assert json.loads(response.headers["HX-Trigger"])["comments:changed"]["count"] == 26
    # The author may edit and delete it; nobody can rate their own comment.
    assert f"/comments/c/{new.id}/edit" in html and f"/comments/c/{new.id}/vote" not in html

    # Posting again with the fresh token works; reusing the old one stores nothing.
    client.post(world.thread, data={"text": "Noch einer", "token": _token(html), **SHOWN_NEWEST}, headers=HX)
    again = client.post(world.thread, data={"text": "Ganz neu", "token": sent, **SHOWN_NEWEST}, headers=HX)
    assert len(rows(world.app)) == 27
    # A repeated form re-renders the whole body (the comment is already shown, nothing is prepended twice).
    assert again.headers["HX-Retarget"] == f"#{dom}-body"
    assert again.get_data(as_text=True).count(f'id="comment-{new.id}"') == 1


def test_htmx_post_swaps_the_whole_body_for_the_first_comment_and_for_other_sort_orders(world, login):
    client = login(world.app, world.people.anna)
    dom = f"comments-note-{world.note}"
    first = client.post(world.thread, data={"text": "Der erste", **SHOWN_NEWEST}, headers=HX)
    assert first.headers["HX-Retarget"] == f"#{dom}-body" and first.headers["HX-Reswap"] == "outerHTML"
    assert first.get_data(as_text=True).lstrip().startswith(f'<div class="comments-body" id="{dom}-body">')
    # The reader looks at the oldest first (the sort switch swapped the body): newest first again, as before.
    body = client.get(f"{world.thread}?sort=oldest", headers={**HX, "HX-Target": f"{dom}-body"}).get_data(as_text=True)
    assert """hx-vals='{"shown": "oldest:1"}'""" in body
    second = client.post(world.thread, data={"text": "Der zweite", "shown": "oldest:1"}, headers=HX)
    html = second.get_data(as_text=True)
    assert second.headers["HX-Retarget"] == f"#{dom}-body"
    assert html.index("Der zweite") < html.index("Der erste")
    # Nonsense in "shown" is ignored; an error keeps what the reader sees in the form.
    error = client.post(world.thread, data={"text": "", "shown": "oldest:2"}, headers=HX)
    assert error.status_code == 422 and """hx-vals='{"shown": "oldest:2"}'""" in error.get_data(as_text=True)
    odd = client.post(world.thread, data={"text": "", "shown": "\"><script>"}, headers=HX)
    assert "<script>" not in odd.get_data(as_text=True)


def test_no_javascript_post_still_redirects_with_a_message(world, login):
    client = login(world.app, world.people.anna)
    response = client.post(world.thread, data={"text": "Ohne JS", "next": world.page})
    comment = rows(world.app)[-1]
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{world.page}#comment-{comment.id}")
    assert "Your comment was published." in client.get(world.page).get_data(as_text=True)


def test_the_write_transaction_holds_only_the_insert_and_the_version_bump(world, login):
    """Between the first write and COMMIT nothing is read or rendered (SQLite queues writers meanwhile)."""
    seed(world.app, world, world.people.ben, "Schon da")
    client = login(world.app, world.people.anna)
    client.get(world.thread)
    with count_queries(world.app, commits=True) as statements:
        response = client.post(world.thread, data={"text": "Kurz", **SHOWN_NEWEST}, headers=HX)
    assert response.status_code == 200
    log = [sql.split(None, 1)[0].upper() for sql in statements]
    full = [sql[:200] for sql in statements]
    first_write = next(i for i, sql in enumerate(log) if sql in ("INSERT", "UPDATE", "DELETE"))
    # The author's follow of the project (INSERT … ON CONFLICT DO NOTHING), the comment, … and as the last
    # statement the bump of the thread's cache scope (an upsert, core/cache_scopes.py): nothing is read.
    window = log[first_write:log.index("COMMIT", first_write)]
    assert "SELECT" not in window, full[first_write:]
    assert full[first_write + len(window) - 1].startswith("INSERT INTO core_cache_scope"), full[first_write:]
    assert "core_follow" in full[first_write], full[first_write:first_write + 2]
    # Afterwards three small reads to answer (the comment, the count, its author): no thread is loaded.
    assert len(log) - log.index("COMMIT") - 1 <= 3, full


# ---------------------------------------------------------------------------
# anonymous readers: cached, never stale
# ---------------------------------------------------------------------------


def _pages(world):
    return (world.thread, world.page, f"{world.thread}?sort=agreed")


def test_anonymous_pages_show_new_comments_votes_and_hiding_at_once(world, login):
    root = seed(world.app, world, world.people.ben, "Erster Gedanke")
    reader = login(world.app)
    for url in _pages(world):
        html = reader.get(url).get_data(as_text=True)
        assert "Erster Gedanke" in html and "(1 comment)" in html
        assert reader.get(url).get_data(as_text=True) == html  # served from the cache

    anna = login(world.app, world.people.anna)
    anna.post(world.thread, data={"text": "Neue Sicht", **SHOWN_NEWEST}, headers=HX)
    for url in _pages(world):
        html = reader.get(url).get_data(as_text=True)
        assert "Neue Sicht" in html and "(2 comments)" in html, url

    anna.post(f"/comments/c/{root}/vote", data={"value": "agree"}, headers=HX)
    for url in _pages(world):
        assert "1 person agrees" in reader.get(url).get_data(as_text=True), url

    moderator = login(world.app, world.people.moderator)
    assert moderator.post(f"/comments/c/{root}/hide", data={"reason": "Beleidigung"}, headers=HX).status_code == 200
    for url in _pages(world):
        html = reader.get(url).get_data(as_text=True)
        assert "Hidden by moderation:" in html and "Beleidigung" in html and "Erster Gedanke" not in html, url

    anna.post(f"/comments/c/{rows(world.app)[-1].id}/delete", headers=HX)
    for url in _pages(world):
        assert "Neue Sicht" not in reader.get(url).get_data(as_text=True), url


def test_anonymous_pages_show_a_new_display_name_at_once(world, login):
    seed(world.app, world, world.people.ben, "Ein Beitrag")
    reader = login(world.app)
    old_name = world.people.ben.name
    for url in _pages(world):
        assert old_name in reader.get(url).get_data(as_text=True)  # now cached

    ben = login(world.app, world.people.ben)
    saved = ben.post("/account", data={"display_name": "Xaver Neuname", "locale": ""})
    assert saved.status_code == 302
    for url in _pages(world):
        html = reader.get(url).get_data(as_text=True)
        assert "Xaver Neuname" in html and not re.search(rf"\b{old_name}\b", html), url


def test_cached_pages_never_carry_one_readers_buttons_or_token_to_another(world, login):
    own = seed(world.app, world, world.people.anna, "Annas Kommentar")
    seed(world.app, world, world.people.ben, "Bens Kommentar")
    anonymous, anna, ben, moderator = (login(world.app, who) for who in
                                       (None, world.people.anna, world.people.ben, world.people.moderator))
    for url in _pages(world):
        for _round in range(2):  # the second round may hit whatever the first one cached
            for client in (anonymous, anna, ben, moderator):
                html = client.get(url).get_data(as_text=True)
                if client is anonymous:
                    assert "csrf" not in html.lower() and "Log in" in html
                    assert "/edit" not in html and "/vote" not in html and "/moderate" not in html
                    assert "/report" not in html and "Publish comment" not in html
                else:
                    assert 'name="csrf_token"' in html and "Publish comment" in html
                    assert (f"/comments/c/{own}/edit" in html) is (client is anna), url
                    assert ("/moderate" in html) is (client is moderator), url
        # htmx fragments (the sort switch, an owner loading the widget) as well
        for client in (anonymous, anna):
            fragment = client.get(url, headers={**HX, "HX-Target": f"comments-note-{world.note}-body"})
            assert ("csrf_token" in fragment.get_data(as_text=True)) is (client is anna)
    # Anna's vote is hers alone.
    anna.post(f"/comments/c/{own + 1}/vote", data={"value": "agree"}, headers=HX)
    assert 'aria-pressed="true"' in anna.get(world.thread).get_data(as_text=True)
    for client in (ben, anonymous, moderator):
        assert 'aria-pressed="true"' not in client.get(world.thread).get_data(as_text=True)


def test_anonymous_pages_follow_the_phase_without_a_change_of_data(world, login, clock):
    seed(world.app, world, world.people.ben, "Während der Phase")
    reader = login(world.app)
    for url in _pages(world):
        assert "to comment and to agree or disagree" in reader.get(url).get_data(as_text=True)
    clock.advance(days=20)  # the phase ended: nothing was written, the cached pages must still change
    for url in _pages(world):
        html = reader.get(url).get_data(as_text=True)
        assert "Participation ended on" in html and "to comment and to agree or disagree" not in html, url


def test_anonymous_htmx_fragments_and_pages_are_cached_apart(world, login):
    seed(world.app, world, world.people.ben, "Ein Kommentar")
    reader = login(world.app)
    dom = f"comments-note-{world.note}"
    page = reader.get(world.thread).get_data(as_text=True)
    widget = reader.get(world.thread, headers=HX).get_data(as_text=True)
    body = reader.get(world.thread, headers={**HX, "HX-Target": f"{dom}-body"}).get_data(as_text=True)
    assert "<html" in page.lower() and "<html" not in widget.lower()
    assert widget.lstrip().startswith(f'<section class="comments" id="{dom}"')
    assert body.lstrip().startswith(f'<div class="comments-body" id="{dom}-body">')
    # The log-in link returns to the page the widget sits in.
    other = reader.get(world.thread, headers={**HX, "HX-Current-URL": "http://localhost/elsewhere"})
    assert "next=/elsewhere" in other.get_data(as_text=True) and "next=/elsewhere" not in widget
    assert reader.get(world.thread).get_data(as_text=True) == page
