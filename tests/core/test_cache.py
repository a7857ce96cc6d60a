"""Cached fragments are reused until a write changes what they show."""
from core.cache import cached_fragment
from core.cache_scopes import header_scope, touch
from core.extensions import db
from core.models import Project


def test_fragment_is_rendered_once_per_version_and_locale(make_app):
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
        touch(header_scope(db.session.scalar(db.select(Project.id))))
        db.session.commit()
    assert fetch() == "<p>render 3</p>"
    with app.app_context():
        project = db.session.scalar(db.select(Project))
        project.title = "Umbenannt"
        db.session.rollback()  # nothing committed, nothing changed
    assert fetch() == "<p>render 3</p>"
    assert len(renders) == 3
