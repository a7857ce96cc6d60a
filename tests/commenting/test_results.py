"""The draft's figures on a commenting phase's results page: people, comments per chapter, hot spots."""
from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.testing import count_queries
from tests.commenting.conftest import add_comments
from tests.results_helpers import figure_rows, key_figure, publish_results


def test_results_show_people_comments_per_chapter_and_most_discussed_paragraphs(draft, login, clock):
    first, last = draft.paragraph_ids[0], draft.paragraph_ids[-1]
    add_comments(draft.app, draft.project_id, "paragraph", first, 3, draft.people.anna.id)
    add_comments(draft.app, draft.project_id, "paragraph", last, 1, draft.people.ben.id)
    add_comments(draft.app, draft.project_id, "chapter", draft.chapter_ids[1], 2, draft.people.ben.id)
    clock.advance(days=12)
    page = login(draft.app, None).get(publish_results(draft.app, draft.phase_id)).get_data(as_text=True)
    assert "Comments on the draft" in page
    assert (key_figure(page, "People who commented"), key_figure(page, "Comments"),
            key_figure(page, "Paragraphs discussed")) == ("2", "6", "2 of 5")
    assert figure_rows(page, "commenting-chapters") == [("1. Ausgangslage", "3", "50%"), ("2. Maßnahmen", "3", "50%")]
    top = figure_rows(page, "commenting-top")
    assert [(label.split()[0], count) for label, count in top] == [("1.1", "3"), ("2.2", "1")]
    assert f'#p-{first}"' in page  # each hot spot links to its paragraph


def test_results_page_costs_the_same_queries_for_a_long_discussion(capp, users, login, clock, project_with_phase):
    from core.models import Phase, Project, User
    from plugins.commenting import services
    from plugins.comments import api as discussion

    people = users(capp)
    clock.advance(days=-30)

    def project(slug, paragraphs):
        _slug, phase_id = project_with_phase(capp, "commenting", start=clock.now(), end=clock.now() + timedelta(days=5),
                                             people=people, slug=slug, title=slug)
        with capp.app_context():
            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            anna, ben = db.session.get(User, people.anna.id), db.session.get(User, people.ben.id)
            document = services.create_document(project, "Entwurf")
            for number in range(paragraphs // 5):
                chapter = services.add_chapter(document, f"Kapitel {number}")
                for line in range(5):
                    paragraph = services.add_paragraph(chapter, f"<p>Absatz {number}.{line}</p>")
                    comment = discussion.add_comment("paragraph", paragraph.id, project, anna, "Ja")
                    discussion.add_comment("paragraph", paragraph.id, project, ben, "Nein", parent=comment)
                discussion.add_comment("chapter", chapter.id, project, ben, "Kapitel")
            db.session.commit()
        return publish_results(capp, phase_id)

    small, large = project("klein", 5), project("gross", 60)
    clock.advance(days=40)
    client = login(capp, people.anna)

    def counted(url) -> int:
        with count_queries(capp) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    client.get("/")  # the reader's unread count is cached from here on, for every project's pages
    first = [counted(small), counted(large)]  # a project's first page also caches its small facts (the tabs)
    again = [counted(small), counted(large)]
    assert first[0] == first[1] and again[0] == again[1], (first, again)
