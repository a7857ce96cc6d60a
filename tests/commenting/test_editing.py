"""Initiators write and arrange documents in the browser; nobody else may."""
from __future__ import annotations

import pytest

from core.extensions import db
from plugins.commenting import services
from plugins.commenting.models import Chapter, Document, Paragraph
from tests.commenting.conftest import add_comments


def _texts(app, chapter_id):
    with app.app_context():
        return [p.html for p in services.paragraphs_of(db.session.get(Chapter, chapter_id))]


def _titles(app, document_id):
    with app.app_context():
        return [c.title for c in services.chapters_of(db.session.get(Document, document_id))]


def test_initiator_writes_a_document_chapter_and_paragraphs(draft, login):
    client = login(draft.app, draft.people.initiator)
    base = f"/p/{draft.slug}/documents"
    response = client.post(f"{base}/new", data={"title": "Leitbild", "preamble": "Ein **kurzes** Vorwort."})
    assert response.status_code == 302
    with draft.app.app_context():
        doc = db.session.scalar(db.select(Document).where(Document.title == "Leitbild"))
        assert doc.preamble_html == "<p>Ein <strong>kurzes</strong> Vorwort.</p>"
        doc_id = doc.id
    assert response.headers["Location"].endswith(f"{base}/{doc_id}/chapters/new")
    response = client.post(f"{base}/{doc_id}/chapters/new", data={"title": "Ziele"})
    chapter_id = int(response.headers["Location"].split("/chapter/")[1].split("#")[0])
    client.post(f"{base}/chapter/{chapter_id}/paragraphs/new", data={"text": "Erstens *grün*."})
    client.post(f"{base}/chapter/{chapter_id}/paragraphs/new", data={"text": "- a\n- b"})
    assert _texts(draft.app, chapter_id) == ["<p>Erstens <em>grün</em>.</p>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"]
    page = client.get(f"{base}/chapter/{chapter_id}").get_data(as_text=True)
    assert "Erstens <em>grün</em>." in page and "Add a paragraph" in page


def test_edit_form_shows_markdown_and_saves_sanitized_html(draft, login):
    client = login(draft.app, draft.people.initiator)
    pid = draft.paragraph_ids[2]  # "Dritter Absatz mit *Betonung*."
    url = f"/p/{draft.slug}/documents/paragraph/{pid}/edit"
    assert "Dritter Absatz mit *Betonung*." in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"text": "Neu mit [Link](https://example.org) <script>x()</script>"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#p-{pid}")
    html = _texts(draft.app, draft.chapter_ids[0])[2]
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">Link</a>' in html and "<script" not in html


def test_editing_a_commented_paragraph_warns(draft, login):
    pid = draft.paragraph_ids[0]
    add_comments(draft.app, draft.project_id, "paragraph", pid, 2, draft.people.anna.id)
    page = login(draft.app, draft.people.initiator).get(f"/p/{draft.slug}/documents/paragraph/{pid}/edit")
    assert "This paragraph has 2 comments. Change only typing errors" in page.get_data(as_text=True)


def test_chapters_and_paragraphs_move_up_and_down(draft, login):
    client = login(draft.app, draft.people.initiator)
    base = f"/p/{draft.slug}/documents"
    first, second, third = draft.paragraphs[draft.chapter_ids[0]]
    client.post(f"{base}/paragraph/{third}/move/up")
    with draft.app.app_context():
        assert [p.id for p in services.paragraphs_of(db.session.get(Chapter, draft.chapter_ids[0]))] == [first, third, second]
    client.post(f"{base}/paragraph/{first}/move/up")  # already first: nothing happens
    client.post(f"{base}/chapter/{draft.chapter_ids[1]}/move/up")
    assert _titles(draft.app, draft.document_id) == ["Maßnahmen", "Ausgangslage"]
    assert client.post(f"{base}/chapter/{draft.chapter_ids[1]}/move/sideways").status_code == 404


def test_deleting_asks_first_and_says_how_many_comments_would_go(draft, login):
    client = login(draft.app, draft.people.initiator)
    base = f"/p/{draft.slug}/documents"
    pid = draft.paragraph_ids[0]
    add_comments(draft.app, draft.project_id, "paragraph", pid, 3, draft.people.anna.id)
    page = client.get(f"{base}/paragraph/{pid}/delete").get_data(as_text=True)
    assert "Really delete this paragraph?" in page and "3 comments on it will disappear from the site." in page
    # A stale confirmation (more comments arrived since) asks again.
    response = client.post(f"{base}/paragraph/{pid}/delete", data={"expected": "2"})
    assert response.status_code == 200 and "Comments have been written meanwhile" in response.get_data(as_text=True)
    assert pid in [p for p in draft.paragraph_ids if p in _ids(draft.app)]
    response = client.post(f"{base}/paragraph/{pid}/delete", data={"expected": "3"})
    assert response.status_code == 302
    assert pid not in _ids(draft.app)
    chapter = draft.chapter_ids[1]
    add_comments(draft.app, draft.project_id, "chapter", chapter, 1, draft.people.ben.id)
    add_comments(draft.app, draft.project_id, "paragraph", draft.paragraph_ids[3], 1, draft.people.ben.id)
    page = client.get(f"{base}/chapter/{chapter}/delete").get_data(as_text=True)
    assert "Really delete the chapter “Maßnahmen” with all its paragraphs?" in page and "2 comments on it" in page
    assert client.post(f"{base}/chapter/{chapter}/delete", data={"expected": "2"}).status_code == 302
    page = client.get(f"{base}/{draft.document_id}/delete").get_data(as_text=True)
    assert "Nobody has commented on it yet." in page
    assert client.post(f"{base}/{draft.document_id}/delete", data={"expected": "0"}).status_code == 302
    with draft.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Paragraph.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def _ids(app):
    with app.app_context():
        return set(db.session.scalars(db.select(Paragraph.id)))


def _edit_requests(draft):
    base = f"/p/{draft.slug}/documents"
    pid, cid, did = draft.paragraph_ids[0], draft.chapter_ids[0], draft.document_id
    return [
        ("get", f"{base}/new", None), ("post", f"{base}/new", {"title": "X"}),
        ("get", f"{base}/import", None),
        ("get", f"{base}/overview", None),
        ("post", f"{base}/{did}/edit", {"title": "X"}), ("post", f"{base}/{did}/delete", {"expected": "0"}),
        ("post", f"{base}/{did}/import", {}), ("post", f"{base}/{did}/chapters/new", {"title": "X"}),
        ("post", f"{base}/chapter/{cid}/edit", {"title": "X"}), ("post", f"{base}/chapter/{cid}/move/down", {}),
        ("post", f"{base}/chapter/{cid}/delete", {"expected": "0"}),
        ("post", f"{base}/chapter/{cid}/paragraphs/new", {"text": "X"}),
        ("post", f"{base}/paragraph/{pid}/edit", {"text": "X"}), ("post", f"{base}/paragraph/{pid}/move/down", {}),
        ("post", f"{base}/paragraph/{pid}/delete", {"expected": "0"}),
    ]


def _snapshot(app):
    with app.app_context():
        return (
            db.session.scalars(db.select(Document.title).order_by(Document.id)).all(),
            db.session.execute(db.select(Chapter.id, Chapter.title, Chapter.position).order_by(Chapter.id)).all(),
            db.session.execute(db.select(Paragraph.id, Paragraph.html, Paragraph.position).order_by(Paragraph.id)).all(),
        )


@pytest.mark.parametrize("who", ["anna", "moderator"])
def test_others_get_403_and_change_nothing(draft, login, who):
    before = _snapshot(draft.app)
    client = login(draft.app, getattr(draft.people, who))
    for method, url, data in _edit_requests(draft):
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 403, (method, url)
    assert _snapshot(draft.app) == before
    page = client.get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}").get_data(as_text=True)
    assert "Add a paragraph" not in page and "/edit" not in page and "Comment statistics" not in page


def test_anonymous_editors_are_sent_to_log_in(draft, login):
    before = _snapshot(draft.app)
    client = login(draft.app)
    for method, url, data in _edit_requests(draft):
        response = client.get(url) if method == "get" else client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    assert _snapshot(draft.app) == before


def test_site_admin_may_edit(draft, login):
    client = login(draft.app, draft.people.admin)
    assert client.post(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}/edit", data={"title": "Neu"}).status_code == 302
    assert _titles(draft.app, draft.document_id)[0] == "Neu"


def test_objects_of_another_project_are_not_found(draft, login, project_with_phase):
    from datetime import timedelta

    other, _ = project_with_phase(draft.app, "commenting", start=draft.start, end=draft.end + timedelta(days=1),
                                  people=draft.people, slug="other", title="Other")
    client = login(draft.app, draft.people.initiator)
    assert client.get(f"/p/other/documents/chapter/{draft.chapter_ids[0]}").status_code == 404
    assert client.post(f"/p/other/documents/paragraph/{draft.paragraph_ids[0]}/edit", data={"text": "X"}).status_code == 404
