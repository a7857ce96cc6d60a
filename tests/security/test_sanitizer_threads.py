"""Stored text stays each person's own when many threads sanitize at once.

bleach's ``Cleaner`` and ``Linker`` keep parser state between calls; shared by a
worker's threads they lost text, mixed one person's comment into another's and
let tags outside the allow-list through. These tests run the real sanitizer
from many threads, directly and through HTTP, and compare every result with
the same text sanitized alone.
"""
from __future__ import annotations

import sys
import threading
from datetime import timedelta

import pytest

from core.extensions import db
from core.sanitize import clean_html, text_to_html
from tests.comments import notes_plugin
from tests.conftest import T0
from tests.helpers import run_at_once

THREADS = 8
PER_THREAD = 150


def _text(thread: int, n: int) -> str:
    """A recognisable text per thread and call, with links, markup-special characters and umlauts."""
    return (f"Thread {thread} Nr. {n}: Bäume <b>& Bänke</b> https://example.org/{thread}/{n} "
            f"<script>alert({n})</script>\n\nZweiter Absatz {thread}-{n} <head><body>x</body>")


@pytest.fixture
def switch_often():
    """Force the interpreter to switch threads every microsecond, as a busy worker would."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_text_to_html_from_many_threads_returns_each_callers_own_text(switch_often):
    expected = {(t, n): str(text_to_html(_text(t, n))) for t in range(THREADS) for n in range(PER_THREAD)}
    got: dict = {}
    lock = threading.Lock()

    def work(thread: int):
        def job():
            mine = {(thread, n): str(text_to_html(_text(thread, n))) for n in range(PER_THREAD)}
            with lock:
                got.update(mine)
        return job

    run_at_once([work(t) for t in range(THREADS)])
    wrong = [key for key, html in expected.items() if got.get(key) != html]
    assert wrong == []
    assert not any("<head>" in html or "<body>" in html or "<script>" in html for html in got.values())


def test_clean_html_from_many_threads_never_lets_a_disallowed_tag_through(switch_often):
    payload = '<p>ok <a href="javascript:alert(1)" onclick="x()">a</a><img src=x onerror=alert(1)><iframe></iframe></p>'
    alone = str(clean_html(payload))
    results = run_at_once([lambda: [str(clean_html(payload)) for _ in range(200)] for _ in range(THREADS)])
    assert {html for batch in results for html in batch} == {alone}


def test_comments_posted_at_once_are_stored_exactly_as_their_authors_wrote_them(make_app, users, login, clock):
    """Many people post through HTTP at the same moment; every stored comment is its author's own."""
    from core.models import Project
    from core.services import add_phase, create_project
    from plugins.comments.models import Comment

    app = make_app(plugins=["comments"], extra_plugins=[notes_plugin])
    people = users(app)
    with app.app_context():
        project = create_project("storm", "Storm")
        add_phase(project, "discussion", "Talk", T0 - timedelta(days=1), T0 + timedelta(days=1))
        note = notes_plugin.CNote(project_id=project.id, title="Note")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    authors = [people.anna, people.ben, people.moderator, people.initiator]
    clients = [login(app, authors[i % len(authors)]) for i in range(THREADS)]
    for client in clients:
        client.csrf_token()
    sent: dict[str, int] = {}

    def poster(index: int, client):
        def job():
            statuses = []
            for n in range(12):
                text = _text(index, n)
                sent[text] = authors[index % len(authors)].id
                statuses.append(client.post(f"/comments/note/{note_id}", data={"text": text}).status_code)
            return statuses
        return job

    results = run_at_once([poster(i, c) for i, c in enumerate(clients)])
    assert all(status == 302 for batch in results for status in batch), results
    with app.app_context():
        stored = [(c.text, c.html, c.author_id) for c in db.session.scalars(db.select(Comment))]
    expected = sorted((text, str(text_to_html(text)), author) for text, author in sent.items())
    assert sorted(stored) == expected
