"""One rendering of a thread's comments serves every logged-in reader with the same rights, filled in per reader.

What differs between readers (their own comments' Edit and Delete, the pressed vote button,
"You reported this comment", the CSRF token) must be exactly theirs, whoever rendered the list first.
"""
from __future__ import annotations

import re

import pytest

from core.testing import count_queries
from plugins.comments.models import AGREE
from plugins.comments.shared_list import ReaderState, begin, end, fill, hole
from tests.comments.conftest import seed

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _article(html: str, comment_id: int) -> str:
    start = html.index(f'id="comment-{comment_id}"')
    return html[start:html.index("</article>", start)]


def _session_token(html: str) -> str:
    """The token the layout gives htmx (``csrf_token()`` of this session)."""
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_each_reader_sees_their_own_buttons_votes_and_reports(world, login):
    annas = seed(world.app, world, world.people.anna, "Annas Gedanke")
    bens = seed(world.app, world, world.people.ben, "Bens Gedanke")
    anna, ben = login(world.app, world.people.anna), login(world.app, world.people.ben)
    assert ben.post(f"/comments/c/{annas}/vote", data={"value": "agree"}).status_code == 302
    assert ben.post(f"/comments/c/{annas}/report", data={"reason": "spam", "text": ""}).status_code in (200, 302)

    for _round in range(2):  # the first request renders the shared list, the second takes it from the cache
        for client, own, other in ((anna, annas, bens), (ben, bens, annas)):
            html = client.get(world.thread).get_data(as_text=True)
            assert "\x00" not in html
            mine, theirs = _article(html, own), _article(html, other)
            assert "/edit" in mine and "/delete" in mine and "/report" not in mine
            assert "/edit" not in theirs and "/delete" not in theirs
            assert 'class="comment-votes is-readonly"' in mine and 'class="comment-votes"' not in mine
            assert 'class="comment-votes"' in theirs
            # Every form carries this reader's own token.
            assert set(TOKEN.findall(html)) == {_session_token(html)}
        ben_page = ben.get(world.thread).get_data(as_text=True)
        on_annas = _article(ben_page, annas)
        assert 'value="unagree"' in on_annas and 'aria-pressed="true"' in on_annas and "is-active" in on_annas
        assert "You reported this comment." in on_annas and "/report" not in on_annas
        anna_page = anna.get(world.thread).get_data(as_text=True)
        on_bens = _article(anna_page, bens)
        assert 'aria-pressed="true"' not in on_bens and "You reported this comment." not in on_bens
        assert "/report" in on_bens


def test_the_second_reader_gets_the_list_without_loading_the_comments(world, login):
    for i in range(12):
        seed(world.app, world, world.people.anna, f"Gedanke {i}")
    anna, ben = login(world.app, world.people.anna), login(world.app, world.people.ben)
    anna.get(world.thread)  # renders and stores the shared list
    with count_queries(world.app) as statements:
        html = ben.get(world.thread).get_data(as_text=True)
    assert "Gedanke 11" in html
    assert not any("comments_comment.html" in sql for sql in statements), "the comments were loaded again"


def test_a_new_comment_and_a_vote_show_at_once_for_every_reader(world, login):
    annas = seed(world.app, world, world.people.anna, "Erster")
    anna, ben = login(world.app, world.people.anna), login(world.app, world.people.ben)
    ben.get(world.thread)
    anna.post(world.thread, data={"text": "Zweiter von Anna"})
    assert "Zweiter von Anna" in ben.get(world.thread).get_data(as_text=True)
    ben.post(f"/comments/c/{annas}/vote", data={"value": "agree"})
    assert "1 person agrees" in _article(anna.get(world.thread).get_data(as_text=True), annas)


def test_moderators_get_their_own_rendering_with_hidden_text(world, login):
    annas = seed(world.app, world, world.people.anna, "Versteckter Text")
    moderator, ben = login(world.app, world.people.moderator), login(world.app, world.people.ben)
    ben.get(world.thread)
    assert moderator.post(f"/comments/c/{annas}/hide", data={"reason": "Beleidigung"}).status_code == 302
    assert "Versteckter Text" not in ben.get(world.thread).get_data(as_text=True)
    page = moderator.get(world.thread).get_data(as_text=True)
    assert "Versteckter Text" in page and "/moderate" in page
    assert "Versteckter Text" not in ben.get(world.thread).get_data(as_text=True)


# ---------------------------------------------------------------------------
# the fill itself, mark by mark: nested blocks, holes, and marks that must never reach a browser
# ---------------------------------------------------------------------------

ANNA, BEN = 1, 2


def _state(user_id=ANNA, votes=None, reported=()):
    return ReaderState(user_id=user_id, csrf="TOKEN", votes=dict(votes or {}), reported=set(reported))


def _list() -> str:
    """Two comments: Ben's (which Anna may report) and Anna's own (which she may edit)."""
    return (
        f"<li>{begin('own', BEN)}edit 7{end('own')}{begin('other', BEN)}"
        f"<button value='{hole('av', 7)}' class='vote{hole('ac', 7)}'>{hole('ai', 7)}</button>"
        f"{begin('repl', 7, BEN)}report 7{end('repl')}{begin('repd', 7, BEN)}reported 7{end('repd')}"
        f"{end('other')}<input value='{hole('csrf', 0)}'></li>"
        f"<li>{begin('own', ANNA)}edit 8{end('own')}{begin('voted', 8)}voted 8{end('voted')}</li>"
    )


def test_each_reader_gets_their_own_blocks_and_holes():
    html = _list()
    assert fill(html, _state()) == (
        "<li><button value='agree' class='vote'>+</button>report 7<input value='TOKEN'></li><li>edit 8</li>")
    voted = fill(html, _state(votes={7: AGREE}, reported={7}))
    assert "value='unagree' class='vote is-active'>✓" in voted and "reported 7" in voted and "report 7<" not in voted
    ben = fill(html, _state(user_id=BEN, votes={8: AGREE}))
    assert ben == "<li>edit 7<input value='TOKEN'></li><li>voted 8</li>"
    # The same shared rendering again (parsed once): the same answer.
    assert fill(html, _state()) == fill(_list(), _state())


@pytest.mark.parametrize("broken", [
    f"{begin('own', ANNA)}never closed",
    f"{begin('own', ANNA)}crossed{begin('voted', 8)}{end('own')}{end('voted')}",
    f"closed{end('own')} without opening",
    "\x00unknown:3\x00",
    "a lone \x00 character",
])
def test_a_broken_mark_never_reaches_a_browser(broken):
    with pytest.raises(ValueError):
        fill(broken, _state())
