"""Reading a draft: tabs, contents, chapter pages with anchors, counts, heat levels and in-place discussions."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.extensions import db
from plugins.commenting.views import heat_levels
from tests.commenting.conftest import add_comments


def test_documents_tab_and_pages(draft, login):
    client = login(draft.app, draft.people.anna)
    project_page = client.get(f"/p/{draft.slug}").get_data(as_text=True)
    assert re.search(rf'href="/p/{draft.slug}/documents"\s*>Documents</a>', project_page)
    assert "Comment statistics" not in project_page  # for initiators only
    initiator_page = login(draft.app, draft.people.initiator).get(f"/p/{draft.slug}").get_data(as_text=True)
    assert re.search(rf'href="/p/{draft.slug}/documents/overview"\s*>Comment statistics</a>', initiator_page)
    index = client.get(f"/p/{draft.slug}/documents").get_data(as_text=True)
    assert "Klimastrategie 2030" in index and "2 chapters" in index
    page = client.get(f"/p/{draft.slug}/documents/{draft.document_id}").get_data(as_text=True)
    assert "<p>Einleitung vor dem ersten Kapitel.</p>" in page
    assert re.search(r'<span class="toc-number">1\.</span> Ausgangslage</a>\s*<span class="toc-count">3 paragraphs · 0 comments', page)


def test_no_tab_for_projects_without_documents(capp, users, login, project_with_phase):
    from tests.conftest import T0

    people = users(capp)
    slug, _ = project_with_phase(capp, "commenting", start=T0, end=T0 + timedelta(days=3), people=people)
    tab = re.compile(rf'href="/p/{slug}/documents"\s*>Documents</a>')
    assert not tab.search(login(capp, people.anna).get(f"/p/{slug}").get_data(as_text=True))
    # The initiator gets the tab to write the first document.
    assert tab.search(login(capp, people.initiator).get(f"/p/{slug}").get_data(as_text=True))


def test_the_tab_comes_with_the_first_document_and_goes_with_the_last(capp, users, login, project_with_phase):
    """Whether a project has documents is cached by its header scope: a new or deleted document shows at once."""
    from core.models import Project
    from plugins.commenting import services
    from tests.conftest import T0

    people = users(capp)
    slug, _ = project_with_phase(capp, "commenting", start=T0, end=T0 + timedelta(days=3), people=people)
    tab = re.compile(rf'href="/p/{slug}/documents"\s*>Documents</a>')
    anna = login(capp, people.anna)
    for _ in range(2):  # the second answer comes from the cache
        assert not tab.search(anna.get(f"/p/{slug}").get_data(as_text=True))
    with capp.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        document = services.create_document(project, "Entwurf")
        db.session.commit()
        document_id = document.id
    assert tab.search(anna.get(f"/p/{slug}").get_data(as_text=True))
    with capp.app_context():
        from plugins.commenting.models import Document

        db.session.delete(db.session.get(Document, document_id))
        db.session.commit()
    assert not tab.search(anna.get(f"/p/{slug}").get_data(as_text=True))


def test_chapter_page_shows_whole_text_with_anchors_toc_and_counts(draft, login):
    first, second, third = draft.paragraphs[draft.chapter_ids[0]]
    add_comments(draft.app, draft.project_id, "paragraph", first, 4, draft.people.anna.id)
    add_comments(draft.app, draft.project_id, "paragraph", third, 1, draft.people.ben.id)
    add_comments(draft.app, draft.project_id, "chapter", draft.chapter_ids[0], 2, draft.people.ben.id)
    page = login(draft.app, draft.people.anna).get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}").get_data(as_text=True)
    assert "<h1><span class=\"chapter-number\">1.</span> Ausgangslage</h1>" in page
    for pid, number in ((first, "1.1"), (second, "1.2"), (third, "1.3")):
        assert f'id="p-{pid}"' in page and f'<a href="#p-{pid}"><span class="visually-hidden">Paragraph </span>{number}</a>' in page
    assert "<li>Gebäude</li>" in page and "Dritter Absatz mit <em>Betonung</em>." in page
    # Counts as text, with the heat level relative to the most discussed paragraph (4 comments).
    block = lambda pid: page.split(f'id="p-{pid}"')[1].split("</section>")[0]  # noqa: E731
    assert 'heat-level-4' in page.split(f'id="p-{first}"')[0][-80:] and "4 comments" in block(first)
    assert "(most discussed in this chapter)" in block(first)
    assert "0 comments" in block(second) and 'class="heat heat-0"' in block(second)
    assert "1 comment<" in block(third) and 'class="heat heat-1"' in block(third)
    # The table of contents counts the chapter's comments: 4 + 1 on paragraphs, 2 on the chapter itself.
    # commenting.js keeps it right while people comment: it knows the 2 on the chapter as a whole.
    assert re.search(r'aria-current="page">\s*<span class="toc-number">1\.</span> Ausgangslage</a>\s*'
                     r'<span class="toc-count" data-own-count="2"[^>]*>7 comments', page)
    # The chapter's own discussion loads when scrolled into view, and is a link without JavaScript.
    chapter_thread = f"/comments/chapter/{draft.chapter_ids[0]}"
    assert 'id="chapter-discussion"' in page and f'hx-get="{chapter_thread}" hx-trigger="revealed"' in page
    assert f'<a href="{chapter_thread}">Read and write comments on the chapter as a whole</a>' in page
    thread = login(draft.app, draft.people.anna).get(chapter_thread, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Kommentar 1" in thread and "<!doctype html>" not in thread
    assert 'rel="next" href="/p/city-plan/documents/chapter/%d"' % draft.chapter_ids[1] in page


def test_discussion_toggle_is_a_link_and_an_htmx_loader(draft, login):
    pid = draft.paragraph_ids[0]
    client = login(draft.app, draft.people.anna)
    page = client.get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}").get_data(as_text=True)
    toggle = re.search(r'<a class="discussion-toggle"[^>]*aria-controls="d-%d"' % pid, page).group(0)
    assert f'href="/p/{draft.slug}/documents/paragraph/{pid}"' in toggle
    assert f'hx-get="/p/{draft.slug}/documents/paragraph/{pid}"' in toggle and 'hx-target="#d-%d"' % pid in toggle
    assert 'aria-expanded="false"' in toggle
    assert f'<div class="discussion-region" id="d-{pid}"></div>' in page
    assert "commenting.js" in page
    # htmx gets only the discussion widget; a normal request the whole paragraph page.
    fragment = client.get(f"/p/{draft.slug}/documents/paragraph/{pid}", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'class="comments"' in text and '<textarea' in text and "<h3" in text
    full = client.get(f"/p/{draft.slug}/documents/paragraph/{pid}").get_data(as_text=True)
    assert "<html" in full and "<h1>Paragraph 1.1</h1>" in full and "Erster Absatz über die Lage." in full
    assert f'/documents/chapter/{draft.chapter_ids[0]}#p-{pid}' in full


def test_heat_levels_are_relative_to_the_most_discussed():
    assert heat_levels({1: 8, 2: 4, 3: 1}, [1, 2, 3, 4]) == {1: 4, 2: 2, 3: 1, 4: 0}
    assert heat_levels({}, [1, 2]) == {1: 0, 2: 0}


def _post_comment(client, pid, text="Mein Kommentar"):
    return client.post(f"/comments/paragraph/{pid}", data={"text": text})


def _comment_texts(app):
    from plugins.comments import api as discussion

    with app.app_context():
        return [row.text for row in discussion.iter_comments(1)]


def test_participant_comments_on_a_paragraph_without_javascript(draft, login):
    pid = draft.paragraph_ids[1]
    client = login(draft.app, draft.people.anna)
    page = client.get(f"/p/{draft.slug}/documents/paragraph/{pid}").get_data(as_text=True)
    assert "Comments are welcome until" in page and 'name="text"' in page
    response = _post_comment(client, pid)
    assert response.status_code == 302
    assert _comment_texts(draft.app) == ["Mein Kommentar"]
    page = client.get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}").get_data(as_text=True)
    assert "1 comment<" in page.split(f'id="p-{pid}"')[1].split("</section>")[0]


def test_anonymous_readers_are_asked_to_log_in(draft, login):
    page = login(draft.app).get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}").get_data(as_text=True)
    assert "Comments are welcome until 9 April 2026, 12:00." in page and "to take part." in page
    assert 'name="text"' not in page


@pytest.mark.parametrize("moment", ["before", "after"])
def test_outside_the_phase_forms_are_gone_posts_refused_and_the_date_is_shown(draft, login, clock, moment):
    pid = draft.paragraph_ids[0]
    add_comments(draft.app, draft.project_id, "paragraph", pid, 1, draft.people.ben.id, text="Früher Beitrag")
    if moment == "before":
        clock.set(draft.start - timedelta(seconds=1))
        message = "Participation starts on 28 March 2026, 11:00."  # T0 - 1 day, Berlin (winter time)
        german = "Die Beteiligung beginnt am 28. März 2026, 11:00 Uhr."
    else:
        clock.set(draft.end)
        message = "Participation ended on 9 April 2026, 12:00."
        german = "Die Beteiligung endete am 9. April 2026, 12:00 Uhr."
    client = login(draft.app, draft.people.anna)
    for url in (f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}", f"/p/{draft.slug}/documents/paragraph/{pid}",
                f"/p/{draft.slug}/documents/{draft.document_id}", f"/p/{draft.slug}/documents"):
        page = client.get(url).get_data(as_text=True)
        assert message in page, url
        assert 'name="text"' not in page and "<form method=\"post\" action=\"/comments" not in page, url
    # The text and earlier comments stay readable.
    page = client.get(f"/p/{draft.slug}/documents/paragraph/{pid}").get_data(as_text=True)
    assert "Erster Absatz über die Lage." in page and "Früher Beitrag 0" in page
    german_page = client.get(f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}", headers={"Accept-Language": "de"})
    assert german in german_page.get_data(as_text=True)
    response = _post_comment(client, pid, "Zu spät")
    assert response.status_code == 403 and message in response.get_data(as_text=True)
    assert _comment_texts(draft.app) == ["Früher Beitrag 0"]


def test_the_last_second_of_the_phase_still_accepts_comments(draft, login, clock):
    clock.set(draft.end - timedelta(seconds=1))
    assert _post_comment(login(draft.app, draft.people.anna), draft.paragraph_ids[0]).status_code == 302
    assert _comment_texts(draft.app) == ["Mein Kommentar"]


def test_private_projects_stay_hidden(capp, users, login, project_with_phase):
    from core.models import Project
    from plugins.commenting import services
    from tests.conftest import T0

    people = users(capp)
    slug, _ = project_with_phase(capp, "commenting", start=T0, end=T0 + timedelta(days=3), people=people,
                                 slug="intern", is_public=False)
    with capp.app_context():
        doc = services.import_markdown(db.session.scalar(db.select(Project).where(Project.slug == slug)), "# A\n\n## B\n\nC")
        db.session.commit()
        chapter_id = doc.chapters[0].id
    assert login(capp, people.anna).get(f"/p/{slug}/documents/chapter/{chapter_id}").status_code == 404
    assert login(capp, people.moderator).get(f"/p/{slug}/documents/chapter/{chapter_id}").status_code == 200


def test_the_moderation_queue_names_each_paragraph_by_its_number(draft, login):
    second = draft.paragraphs[draft.chapter_ids[0]][1]
    add_comments(draft.app, draft.project_id, "paragraph", second, 1, draft.people.anna.id, text="Zum Absatz")
    add_comments(draft.app, draft.project_id, "chapter", draft.chapter_ids[1], 1, draft.people.ben.id, text="Zum Kapitel")
    moderator = login(draft.app, draft.people.moderator)
    page = moderator.get(f"/p/{draft.slug}/comments/moderation").get_data(as_text=True)
    assert re.search(rf'Paragraph: <a href="[^"]*#p-{second}">1\.2</a>', page)
    assert re.search(r'Chapter: <a href="[^"]*#chapter-discussion">2\. Maßnahmen</a>', page)
    page = moderator.get(f"/p/{draft.slug}/comments/moderation", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert re.search(rf'Absatz: <a href="[^"]*#p-{second}">1\.2</a>', page) and "im Zusammenhang" not in page


def test_a_chapter_page_cached_for_one_reader_shows_nobody_else_their_rights(draft, login):
    """The page below the site header is cached per reader's rights: whoever renders it first, the moderator
    alone sees the moderation tab, the initiator alone the edit forms, and each their own name."""
    url = f"/p/{draft.slug}/documents/chapter/{draft.chapter_ids[0]}"
    people = draft.people
    for order in (("moderator", "anna", "initiator", "ben"), ("anna", "initiator", "ben", "moderator")):
        for who in order:
            page = login(draft.app, getattr(people, who)).get(url).get_data(as_text=True)
            assert f">{getattr(people, who).name}</a>" in page
            assert ("Moderation</a>" in page) is (who in ("moderator", "initiator")), who
            assert ("Add a paragraph" in page) is (who == "initiator"), who
            assert ("Manage project" in page) is (who == "initiator"), who
    anonymous = draft.app.test_client().get(url).get_data(as_text=True)
    assert "Moderation</a>" not in anonymous and "Add a paragraph" not in anonymous
    assert "Log in" in anonymous
