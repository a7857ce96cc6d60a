"""The whole draft on one page (``/p/<slug>/documents/<id>/full``), alone and with its discussion."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.cache import cache
from core.extensions import db
from core.testing import count_queries
from tests.conftest import T0

from .conftest import add_comments, discussed_chapter


def _full(draft, client=None, **params):
    client = client or draft.app.test_client()
    query = "?with=comments" if params.get("with_comments") else ""
    return client.get(f"/p/{draft.slug}/documents/{draft.document_id}/full{query}")


def _text(html: str) -> str:
    """What a reader sees, roughly: tags out, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_paragraph_with_its_number_and_comment_count(draft):
    first, second = draft.paragraph_ids[0], draft.paragraph_ids[1]
    add_comments(draft.app, draft.project_id, "paragraph", second, 2, draft.people.anna.id)
    response = _full(draft)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    numbers = re.findall(r'<h3 class="para-number" id="pn-(\d+)"><a href="#p-\d+"><span class="visually-hidden">Paragraph </span>([\d.]+)</a>', page)
    assert numbers == [(str(pid), number) for pid, number in zip(draft.paragraph_ids, ["1.1", "1.2", "1.3", "2.1", "2.2"])]
    text = _text(page)
    assert text.index("Erster Absatz") < text.index("Gebäude") < text.index("Dritter Absatz") < text.index("Mehr Radwege") < text.index("Mehr Bäume")
    assert "Einleitung vor dem ersten Kapitel." in text  # the preamble
    # Each paragraph's count leads to its discussion.
    assert f'href="/p/{draft.slug}/documents/paragraph/{second}">2 comments<' in page
    assert f'href="/p/{draft.slug}/documents/paragraph/{first}">0 comments<' in page
    # The contents lead to the chapters on the same page, with their totals.
    for chapter_id in draft.chapter_ids:
        assert f'href="#chapter-{chapter_id}"' in page and f'id="chapter-{chapter_id}"' in page
    assert re.search(r'1\.</span> Ausgangslage</a>\s*<span class="toc-count">2 comments', page)
    # Nothing to post here, so no comments are printed and no form is on the page.
    assert "Kommentar 0" not in page and "<form" not in page.split('id="main"')[1].split("</main>")[0]


def test_linked_from_the_document_and_every_chapter(draft):
    client = draft.app.test_client()
    full = f"/p/{draft.slug}/documents/{draft.document_id}/full"
    document = client.get(f"/p/{draft.slug}/documents/{draft.document_id}").get_data(as_text=True)
    assert f'href="{full}"' in document and f'href="{full}?with=comments"' in document
    chapter = client.get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[1]}").get_data(as_text=True)
    assert f'href="{full}#chapter-{draft.chapter_ids[1]}"' in chapter


def test_german_page(draft):
    page = draft.app.test_client().get(f"/p/{draft.slug}/documents/{draft.document_id}/full?with=comments",
                                       headers={"Accept-Language": "de"}).get_data(as_text=True)
    for words in ("Drucken / als PDF speichern", "mit Kommentaren", "Inhalt", "Den Text ohne Kommentare zeigen"):
        assert words in page, words


def _document_with(app, people, project_with_phase, n, slug):
    """The query test's document: its second chapter has ``n`` paragraphs, each with a comment and a reply."""
    from plugins.commenting.models import Chapter

    chapter_id = discussed_chapter(app, people, project_with_phase, n, slug)
    with app.app_context():
        return db.session.get(Chapter, chapter_id).document_id


def test_query_count_does_not_grow_with_paragraphs(capp, users, login, project_with_phase):
    people = users(capp)
    documents = {"small": _document_with(capp, people, project_with_phase, 10, "small"),
                 "large": _document_with(capp, people, project_with_phase, 100, "large")}
    counts = {}
    for who in ("anna", None, "initiator"):
        client = login(capp, getattr(people, who) if who else None)
        for variant in ("", "?with=comments"):
            for slug, document_id in documents.items():
                url = f"/p/{slug}/documents/{document_id}/full{variant}"
                client.get(url)  # warm-up (first-use caches)
                for state in ("cold", "cached"):
                    if state == "cold":
                        with capp.app_context():
                            cache.clear()
                    with count_queries(capp) as statements:
                        response = client.get(url)
                    assert response.status_code == 200
                    if variant:
                        replies = response.get_data(as_text=True).count('class="print-comments print-replies"')
                        assert replies == (10 if slug == "small" else 100)
                    counts[who, variant, slug, state] = len(statements)
            for state in ("cold", "cached"):
                assert counts[who, variant, "small", state] == counts[who, variant, "large", state], (who, counts)
        assert counts[who, "", "small", "cached"] < counts[who, "", "small", "cold"], counts
    assert counts[None, "?with=comments", "small", "cached"] < counts[None, "?with=comments", "small", "cold"], counts


def _discussion(draft):
    """On paragraph 1.1: two top-level comments with replies (one nested), a hidden one and a deleted one."""
    from core.models import Project, User
    from plugins.comments import api as discussion
    from plugins.comments import services as comment_services

    paragraph = draft.paragraph_ids[0]
    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        anna, ben, moderator = (db.session.get(User, getattr(draft.people, key).id) for key in ("anna", "ben", "moderator"))

        def add(author, text, minutes, parent=None, target=("paragraph", paragraph)):
            return discussion.add_comment(*target, project, author, text, parent=parent,
                                          created_at=T0 + timedelta(minutes=minutes))

        first = add(anna, "Erste Meinung", 1)
        add(ben, "Zweite Meinung", 2)
        answer = add(ben, "Antwort auf die erste", 3, parent=first)
        add(anna, "Antwort auf die Antwort", 5, parent=answer)
        add(moderator, "Zweite Antwort auf die erste", 4, parent=first)
        hidden = add(ben, "Beleidigung", 6)
        gone = add(anna, "Zurückgezogen", 7)
        add(ben, "Antwort auf Zurückgezogenes", 8, parent=gone)
        hidden_reply = add(ben, "Versteckte Antwort", 9, parent=first)
        add(anna, "Zum ganzen Kapitel", 10, target=("chapter", draft.chapter_ids[1]))
        db.session.flush()
        for comment in (hidden, hidden_reply):
            comment_services.hide_comment(comment, moderator, "Beleidigend", commit=False)
        comment_services.delete_comment(gone)
        db.session.commit()


def test_with_comments_paragraph_then_comments_oldest_first_replies_indented(draft):
    _discussion(draft)
    page = _full(draft, with_comments=True).get_data(as_text=True)
    text = _text(page)
    order = ["Erster Absatz", "Erste Meinung", "Antwort auf die erste", "Antwort auf die Antwort",
             "Zweite Antwort auf die erste", "Zweite Meinung", "This comment was deleted.", "Antwort auf Zurückgezogenes",
             "Gebäude", "Mehr Bäume", "Zum ganzen Kapitel"]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions), list(zip(order, positions))
    assert "&lt;" not in page  # the discussions are HTML, not text
    # Names and dates are printed with each comment.
    assert re.search(r'<span class="comment-author">Anna</span> ·\s*<time datetime="[^"]+">[^<]+</time>', page)
    # Replies sit in a nested list under their parent: the answer to the answer two levels deep.
    first = page.split("Erste Meinung")[1].split("Zweite Meinung")[0]
    assert first.count('<ol class="print-comments print-replies">') == 2
    # Hidden text is never printed, not even its placeholder where nothing hangs below it; deleted text neither.
    assert "Beleidigung" not in page and "Versteckte Antwort" not in page and "Zurückgezogen<" not in page
    assert "hidden by moderation" not in page
    assert "Comments on the chapter as a whole" in page


def test_moderators_print_no_hidden_text_either(draft, login):
    _discussion(draft)
    page = _full(draft, login(draft.app, draft.people.moderator), with_comments=True).get_data(as_text=True)
    assert "Erste Meinung" in page and "Beleidigung" not in page and "Versteckte Antwort" not in page


@pytest.mark.parametrize("with_comments", [False, True])
def test_private_projects_stay_hidden(capp, users, login, project_with_phase, with_comments):
    from core.models import Project, User
    from plugins.commenting import services
    from plugins.comments import api as discussion

    people = users(capp)
    slug, _ = project_with_phase(capp, "commenting", start=T0, end=T0 + timedelta(days=3), people=people,
                                 slug="intern", is_public=False)
    with capp.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        doc = services.import_markdown(project, "# A\n\n## B\n\nGeheimer Absatz")
        db.session.flush()
        moderator = db.session.get(User, people.moderator.id)
        discussion.add_comment("paragraph", doc.chapters[0].paragraphs[0].id, project, moderator, "Geheimer Kommentar")
        db.session.commit()
        document_id = doc.id
    url = f"/p/{slug}/documents/{document_id}/full" + ("?with=comments" if with_comments else "")
    for client in (capp.test_client(), login(capp, people.anna)):
        response = client.get(url)
        assert response.status_code in (302, 404) and "Geheim" not in response.get_data(as_text=True)
    page = login(capp, people.moderator).get(url).get_data(as_text=True)
    assert "Geheimer Absatz" in page and ("Geheimer Kommentar" in page) == with_comments


def test_an_unknown_document_or_one_of_another_project_is_not_found(draft, capp, project_with_phase):
    assert draft.app.test_client().get(f"/p/{draft.slug}/documents/999999/full").status_code == 404
    other, _ = project_with_phase(capp, "commenting", start=T0, end=T0 + timedelta(days=3), slug="other")
    assert capp.test_client().get(f"/p/other/documents/{draft.document_id}/full").status_code == 404
