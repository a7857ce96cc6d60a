"""The chapter page costs the same number of SQL queries for 10 or 200 paragraphs with comments,
rendered cold or served from the fragment cache."""
from __future__ import annotations

from datetime import timedelta

from core.cache import cache
from core.extensions import db
from core.testing import count_queries
from tests.conftest import T0


def _chapter_with(app, people, project_with_phase, n, slug):
    from core.models import Project, User
    from plugins.commenting import services
    from plugins.comments import api as discussion

    project_with_phase(app, "commenting", start=T0 - timedelta(days=1), end=T0 + timedelta(days=5), people=people,
                       slug=slug, title=slug)
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        anna, ben = db.session.get(User, people.anna.id), db.session.get(User, people.ben.id)
        document = services.create_document(project, "Entwurf")
        other = services.add_chapter(document, "Vorher")
        chapter = services.add_chapter(document, "Kapitel")
        services.add_chapter(document, "Nachher")
        services.add_paragraph(other, "<p>x</p>")
        for i in range(n):
            paragraph = services.add_paragraph(chapter, f"<p>Absatz {i}</p><ul><li>a</li></ul>")
            first = discussion.add_comment("paragraph", paragraph.id, project, anna, f"Kommentar {i}")
            discussion.add_comment("paragraph", paragraph.id, project, ben, "Antwort", parent=first)
            if i % 3 == 0:
                discussion.add_comment("paragraph", paragraph.id, project, ben, "Noch einer")
        for i in range(5):
            discussion.add_comment("chapter", chapter.id, project, anna, f"Zum Kapitel {i}")
        db.session.commit()
        return chapter.id


def test_chapter_page_query_count_does_not_grow_with_paragraphs(capp, users, login, project_with_phase):
    people = users(capp)
    small = _chapter_with(capp, people, project_with_phase, 10, "small")
    large = _chapter_with(capp, people, project_with_phase, 200, "large")
    counts = {}
    for who in ("anna", None, "initiator"):
        client = login(capp, getattr(people, who) if who else None)
        for slug, chapter_id in (("small", small), ("large", large)):
            client.get(f"/p/{slug}/documents/chapter/{chapter_id}")  # warm-up (first-use caches)
            for state in ("cold", "cached"):
                if state == "cold":
                    with capp.app_context():
                        cache.clear()  # render the paragraphs again, not from the fragment cache
                with count_queries(capp) as statements:
                    response = client.get(f"/p/{slug}/documents/chapter/{chapter_id}")
                assert response.status_code == 200
                counts[who, slug, state] = len(statements)
        for state in ("cold", "cached"):
            assert counts[who, "small", state] == counts[who, "large", state], (who, counts)
        if who != "initiator":  # an initiator's page holds edit forms, which are never cached
            assert counts[who, "small", "cached"] < counts[who, "small", "cold"], counts
    page = response.get_data(as_text=True)
    assert page.count('class="discussion-toggle"') == 200
    print("queries per chapter page:", counts)
