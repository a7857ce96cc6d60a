"""The demo content: a finished brainstorm (followed by voting, if enabled) and an open one."""
from __future__ import annotations

from core.demo import seed_demo
from core.extensions import db


def test_demo_seeds_both_projects(make_app):
    app = make_app(plugins=["comments", "ideas"])
    with app.app_context():
        seed_demo()
    client = app.test_client()
    page = client.get("/p/kiezfonds/ideas").get_data(as_text=True)
    assert "Was soll unser Kiez als Nächstes fördern?" in page
    assert "8 ideas" in page and "Hochbeete auf dem Schulhof" in page
    assert "Participation ended on" in page and "Submit an idea" not in page
    assert "2 comments" in page
    page = client.get("/p/spielplatz-ideen/ideas").get_data(as_text=True)
    assert "Mehr Schatten" in page and "to take part." in page


def test_demo_adds_a_rating_phase_when_voting_runs(make_app):
    app = make_app(plugins=["comments", "ideas", "voting"])
    with app.app_context():
        seed_demo()
        from core.models import Project

        project = db.session.scalar(db.select(Project).where(Project.slug == "kiezfonds"))
        kinds = [p.kind for p in project.phases]
    assert kinds[:2] == ["ideas", "rating"]
    page = app.test_client().get("/p/kiezfonds/ideas").get_data(as_text=True)
    assert "Hochbeete auf dem Schulhof" in page


def test_demo_ideas_have_supporters_when_voting_runs(make_app, login):
    import re

    app = make_app(plugins=["comments", "ideas", "voting"])
    with app.app_context():
        seed_demo()
        from core.models import User

        anna = db.session.scalar(db.select(User).where(User.email == "anna@example.org"))
    page = login(app, anna).get("/p/kiezfonds/ideas?sort=support").get_data(as_text=True)
    titles = re.findall(r'<h2 class="idea-title"[^>]*><a [^>]*>([^<]*)</a>', page)
    assert set(titles[:2]) == {"Hochbeete auf dem Schulhof", "Sichere Querung an der Lindenstraße"}
    assert page.count("3 supporters") == 2 and page.count("0 supporters") == 2
    assert "You have 2 of 3 votes left." in page
    assert "Ideas could be submitted until" in page


def test_demo_people_follow_the_projects_they_took_part_in(make_app, login):
    """As the site's own forms would have made them: Anna commented and proposed ideas in the Kiezfonds."""
    app = make_app(plugins=["comments", "ideas"])
    with app.app_context():
        seed_demo()
        from core.models import User

        anna = db.session.scalar(db.select(User).where(User.email == "anna@example.org"))
        admin = db.session.scalar(db.select(User).where(User.email == "admin@example.org"))

    def followed(person) -> str:
        page = login(app, person).get("/account/participation").get_data(as_text=True)
        return page.split("Projects you follow")[1].split("Your contributions")[0]

    assert 'href="/p/kiezfonds"' in followed(anna) and 'href="/p/spielplatz-ideen"' in followed(anna)
    assert "You do not follow any project yet." in followed(admin)  # the admin took part in nothing
