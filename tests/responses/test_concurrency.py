"""Responses written from many threads at once: every stored row is exactly its own, one per item."""
from __future__ import annotations

from core.extensions import db
from core.sanitize import clean_html
from core.testing import run_at_once
from tests.responses.conftest import response_url
from tests.security.test_sanitizer_threads import switch_often  # noqa: F401  (the fixture: threads switch often)

THREADS = 8


def _text(index: int, n: int) -> str:
    return f"<p>Antwort {index}-{n}: Bäume <b>& Bänke</b> https://example.org/{index}/{n} <script>x({n})</script></p>"


def test_responses_saved_at_once_are_each_their_items_own(answered_site, login, switch_often):
    from plugins.comments.api import add_comment
    from plugins.responses.models import Response
    from core.models import Project, User

    app, world = answered_site
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == world.slug))
        anna = db.session.get(User, world.users.anna.id)
        comment_ids = [add_comment("paragraph", world.paragraph, project, anna, f"Kommentar {i}").id
                       for i in range(THREADS * 3)]
        db.session.commit()
    writers = [world.users.editor, world.users.initiator, world.users.admin]
    clients = [login(app, writers[i % len(writers)]) for i in range(THREADS)]
    for client in clients:
        client.csrf_token()
    sent: dict[int, tuple[str, int]] = {}

    def writer(index, client):
        def job():
            codes = []
            for n, comment_id in enumerate(comment_ids[index::THREADS]):
                text = _text(index, n)
                sent[comment_id] = (text, writers[index % len(writers)].id)
                codes.append(client.post(response_url(world, "comment", comment_id),
                                         data={"response-text": text}).status_code)
            return codes
        return job

    results = run_at_once([writer(i, c) for i, c in enumerate(clients)])
    assert all(code == 302 for batch in results for code in batch), results
    with app.app_context():
        stored = sorted((r.item_id, r.text_html, r.author_id) for r in db.session.scalars(db.select(Response)))
    assert stored == sorted((item_id, str(clean_html(text)), author) for item_id, (text, author) in sent.items())


def test_editors_answering_the_same_item_at_once_leave_one_response(answered_site, login, switch_often):
    from plugins.responses.models import Response

    app, world = answered_site
    clients = [login(app, world.users.editor) for _ in range(THREADS)]
    for client in clients:
        client.csrf_token()
    texts = [f"Fassung {i}" for i in range(THREADS)]

    def writer(client, text):
        return lambda: client.post(response_url(world, "idea", world.idea), data={"response-text": text}).status_code

    assert set(run_at_once([writer(c, t) for c, t in zip(clients, texts)])) == {302}
    with app.app_context():
        rows = db.session.scalars(db.select(Response)).all()
    assert len(rows) == 1 and rows[0].text_html in texts
