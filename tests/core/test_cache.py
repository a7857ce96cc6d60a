"""Cached fragments are reused until a write bumps the project's content version."""
from core.cache import bump_content_version, cached_fragment
from core.extensions import db
from core.models import Project
from tests.conftest import T0


def test_fragment_is_rendered_once_per_version_and_locale(make_app, project_with_phase):
    app = make_app(plugins=[])
    with app.app_context():
        from core.services import create_project

        create_project("p", "P")
        db.session.commit()
    renders = []

    def render():
        renders.append(1)
        return f"<p>render {len(renders)}</p>"

    def fetch(lang="en"):
        with app.test_request_context(headers={"Accept-Language": lang}):
            project = db.session.scalar(db.select(Project))
            return str(cached_fragment(("test",), project, render))

    assert fetch() == "<p>render 1</p>"
    assert fetch() == "<p>render 1</p>"
    assert fetch("de") == "<p>render 2</p>"  # the locale is part of the key
    with app.app_context():
        bump_content_version(db.session.scalar(db.select(Project.id)))
        db.session.commit()
    assert fetch() == "<p>render 3</p>"
    assert len(renders) == 3


def test_writes_to_project_rows_bump_the_version_automatically(make_app, users, login, project_with_phase):
    from tests.core import notes_plugin

    app = make_app(plugins=[], extra_plugins=[notes_plugin])
    people = users(app)
    slug, _ = project_with_phase(app, "notes", start=T0, end=T0.replace(year=2027), people=people)

    def version():
        with app.app_context():
            return db.session.scalar(db.select(Project.content_version))

    before = version()
    login(app, people.anna).post(f"/p/{slug}/notes", data={"text": "neu"})
    assert version() == before + 1
    app.test_client().get(f"/p/{slug}")  # reading changes nothing
    assert version() == before + 1
    with app.app_context():
        project = db.session.scalar(db.select(Project))
        project.title = "Umbenannt"
        db.session.rollback()  # nothing committed, nothing bumped
    assert version() == before + 1
