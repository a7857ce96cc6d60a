"""The demo: an active consultation on a climate strategy and a finished one on cycling."""
from __future__ import annotations

from core.demo import seed_demo
from core.extensions import db
from core.models import Project
from plugins.commenting import services
from plugins.comments import api as discussion


def test_demo_has_an_active_and_a_finished_consultation_with_comments(capp, login):
    with capp.test_request_context():
        seed_demo()
        climate = db.session.scalar(db.select(Project).where(Project.slug == "klimastrategie-2030"))
        cycling = db.session.scalar(db.select(Project).where(Project.slug == "radverkehrsplan-innenstadt"))
        [document] = services.documents_of(climate)
        chapters = services.chapters_of(document)
        assert len(chapters) == 3
        assert sum(len(c.paragraphs) for c in chapters) >= 12
        rows = list(discussion.iter_comments(climate.id))
        assert len(rows) >= 8 and any(r.parent_id for r in rows) and any(r.agree for r in rows)
        assert list(discussion.iter_comments(cycling.id))
    client = login(capp)
    page = client.get("/p/klimastrategie-2030/documents").get_data(as_text=True)
    assert "Comments are welcome until" in page
    page = client.get("/p/radverkehrsplan-innenstadt/documents").get_data(as_text=True)
    assert "Participation ended on" in page and "The text and all comments stay readable." in page


def test_the_finished_cycling_plan_has_published_results(capp, login):
    """Its "See the results" leads to the results page, with next steps, the revised draft and the figures."""
    import re

    with capp.test_request_context():
        seed_demo()
    client = login(capp)
    project_page = client.get("/p/radverkehrsplan-innenstadt").get_data(as_text=True)
    results_url = re.search(r'href="(/p/radverkehrsplan-innenstadt/results/\d+)">\s*See the results', project_page).group(1)
    page = client.get(results_url).get_data(as_text=True)
    assert "Preview" not in page and "Next steps" in page and "Fahrradstation" in page
    assert 'href="https://www.example.org/radverkehrsplan-innenstadt-entwurf-2.pdf"' in page
    assert "Comments on the draft" in page and "Comments per chapter" in page
