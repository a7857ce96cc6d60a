"""Agree and disagree: one vote per person, changeable, removable, exact under concurrency."""
from __future__ import annotations

import re
import threading
import uuid

import pytest

from core.extensions import db
from core.services import create_user
from tests.comments.conftest import HX, rows, seed


def _counts(app, comment_id):
    from plugins.comments.models import Vote

    with app.app_context():
        values = db.session.scalars(db.select(Vote.value).where(Vote.comment_id == comment_id)).all()
        return values.count(1), values.count(-1)


def test_agree_change_and_withdraw(world, login):
    cid = seed(world.app, world, world.people.anna, "Bewerte mich")
    ben = login(world.app, world.people.ben)
    response = ben.post(f"/comments/c/{cid}/vote", data={"value": "agree"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<form class="comment-votes"')
    assert re.search(r'value="unagree"\s+class="vote vote-agree is-active" aria-pressed="true"\s+autofocus', html)
    assert "(1 person agrees)" in html and "You agree with this comment." in html
    assert _counts(world.app, cid) == (1, 0)
    ben.post(f"/comments/c/{cid}/vote", data={"value": "agree"})  # the same vote again changes nothing
    assert _counts(world.app, cid) == (1, 0)
    ben.post(f"/comments/c/{cid}/vote", data={"value": "disagree"})
    assert _counts(world.app, cid) == (0, 1)
    response = ben.post(f"/comments/c/{cid}/vote", data={"value": "undisagree", "next": world.page})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{world.page}#comment-{cid}")
    assert _counts(world.app, cid) == (0, 0)
    assert ben.post(f"/comments/c/{cid}/vote", data={"value": "maybe"}).status_code == 400


def test_own_comments_and_anonymous_votes_are_refused(world, login):
    cid = seed(world.app, world, world.people.anna, "Meins")
    assert login(world.app, world.people.anna).post(f"/comments/c/{cid}/vote", data={"value": "agree"}).status_code == 403
    anonymous = login(world.app).post(f"/comments/c/{cid}/vote", data={"value": "agree"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert _counts(world.app, cid) == (0, 0)
    # Own comments show the counts but no buttons.
    html = login(world.app, world.people.anna).get(world.page).get_data(as_text=True)
    assert "0 people agree" in html and 'name="value"' not in html


def test_vote_counts_are_read_sensibly(world, login):
    cid = seed(world.app, world, world.people.anna, "Zählen")
    for person in (world.people.ben, world.people.moderator):
        login(world.app, person).post(f"/comments/c/{cid}/vote", data={"value": "agree"})
    html = login(world.app, world.people.initiator).get(world.page).get_data(as_text=True)
    assert '<span class="vote-count" aria-hidden="true">2</span><span class="visually-hidden">(2 people agree)</span>' in html
    assert 'aria-pressed="false"' in html


@pytest.mark.parametrize("voters", [12])
def test_concurrent_votes_are_counted_exactly(world, login, voters):
    cid = seed(world.app, world, world.people.anna, "Viel Zuspruch")
    with world.app.app_context():
        people = [create_user(f"v{i}@example.org", "password-voter", f"Voter {i}") for i in range(voters)]
        db.session.commit()
        ids = [p.id for p in people]
    clients = [login(world.app, type("U", (), {"id": i})) for i in ids]
    for client in clients:
        client.csrf_token()
    barrier = threading.Barrier(len(clients) * 2)
    results = []

    def vote(client, value):
        barrier.wait()
        results.append(client.post(f"/comments/c/{cid}/vote", data={"value": value}).status_code)

    # Every voter clicks "agree" twice at the same moment (a double click), half of them then disagree.
    threads = [threading.Thread(target=vote, args=(c, "agree")) for c in clients for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * len(threads)
    assert _counts(world.app, cid) == (voters, 0)
    barrier = threading.Barrier(voters // 2)
    threads = [threading.Thread(target=vote, args=(c, "disagree")) for c in clients[: voters // 2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert _counts(world.app, cid) == (voters - voters // 2, voters // 2)
    html = login(world.app).get(world.page).get_data(as_text=True)
    assert f"{voters - voters // 2} people agree" in html


def test_concurrent_posts_with_one_token_store_one_comment(world, login):
    client_count = 8
    token = str(uuid.uuid4())
    clients = [login(world.app, world.people.anna) for _ in range(client_count)]
    for client in clients:
        client.csrf_token()
    barrier = threading.Barrier(client_count)
    results = []

    def post(client):
        barrier.wait()
        results.append(client.post(world.thread, data={"text": "Nur einmal", "token": token}))

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [302] * client_count
    stored = rows(world.app)
    assert [c.text for c in stored] == ["Nur einmal"]
    assert {r.headers["Location"] for r in results} == {f"{world.thread}#comment-{stored[0].id}"}


def test_votes_mark_the_threads_cached_pages_outdated(world, login):
    from core.cache_scopes import item_scope, version_of

    cid = seed(world.app, world, world.people.anna, "Zwischengespeichert")

    def version():
        with world.app.test_request_context():
            return version_of(item_scope("note", world.note, world.ids.project))

    before = version()
    ben = login(world.app, world.people.ben)
    ben.post(f"/comments/c/{cid}/vote", data={"value": "agree"})
    after_agree = version()
    ben.post(f"/comments/c/{cid}/vote", data={"value": "disagree"})
    after_change = version()
    ben.post(f"/comments/c/{cid}/vote", data={"value": "undisagree"})
    assert before < after_agree < after_change < version()
