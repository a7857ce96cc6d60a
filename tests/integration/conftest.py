"""Fixtures for ideas + voting together: a project that collects ideas in phase 1 and supports them in phase 2.

Times (Europe/Berlin, the test deployment's zone; T0 is 29 March 2026, 12:00):

- ideas phase:  28 March 2026, 12:00 – 31 March 2026, 12:00 (the clock starts inside it)
- rating phase: 31 March 2026, 12:00 –  7 April 2026, 12:00 (only when voting is enabled)
"""
from __future__ import annotations

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from core import create_app
from core.extensions import db
from tests.conftest import PG_SCHEMA, T0, TEST_DATABASE_URL, CSRFClient

IDEAS_START = T0 - timedelta(days=1)
IDEAS_END = RATING_START = T0 + timedelta(days=2)
RATING_END = T0 + timedelta(days=9)
MAX_VOTES = 3

BOTH = ["comments", "ideas", "voting"]
IDEAS_ONLY = ["comments", "ideas"]
CATEGORIES = ("Grün", "Verkehr")


@pytest.fixture
def kiez(make_app, users, project_with_phase):
    """``kiez(plugins=BOTH, max_votes=MAX_VOTES)`` → namespace with app, people, slug, phase ids, categories."""

    def build(plugins=BOTH, max_votes=MAX_VOTES):
        from core.models import Project
        from core.services import add_phase
        from plugins.ideas.models import Category

        app = make_app(plugins=list(plugins))
        people = users(app)
        slug, ideas_phase = project_with_phase(app, "ideas", start=IDEAS_START, end=IDEAS_END, people=people,
                                               slug="kiezfonds", title="Kiezfonds")
        rating_phase = None
        with app.app_context():
            project = db.session.scalar(db.select(Project).where(Project.slug == slug))
            if "voting" in plugins:
                rating_phase = add_phase(project, "rating", "Abstimmen", RATING_START, RATING_END,
                                         settings={"mode": "support", "max_votes": max_votes}).id
            cats = [Category(project_id=project.id, name=name, position=i) for i, name in enumerate(CATEGORIES)]
            db.session.add_all(cats)
            db.session.commit()
            return SimpleNamespace(app=app, people=people, slug=slug, project_id=project.id, ideas_phase=ideas_phase,
                                   rating_phase=rating_phase, categories={c.name: c.id for c in cats})

    return build


@pytest.fixture
def reopen(tmp_path, clock):
    """``reopen(app, plugins)``: a second app on the same database (another config), sharing the clock."""
    built = []

    def factory(app, plugins):
        settings = {
            "secret_key": "test-secret",
            "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
            "plugins": list(plugins),
            "theme": "default",
            "default_locale": "en",
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        if TEST_DATABASE_URL:  # the same per-process schema, without emptying it
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                                     "connect_args": {"options": f"-csearch_path={PG_SCHEMA}"}}
        other = create_app(settings, instance_path=tmp_path / f"instance-reopened{len(built)}", clock=clock)
        other.test_client_class = CSRFClient
        built.append(other)
        return other

    yield factory
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def make_people(app, n, prefix="person"):
    """``n`` more participants (ids only)."""
    from core.services import create_user

    with app.app_context():
        made = [create_user(f"{prefix}{i}@example.org", "password-x", f"{prefix.title()} {i}") for i in range(n)]
        db.session.commit()
        return [SimpleNamespace(id=u.id) for u in made]


def submit_idea(client, k, title, category="Grün", description="Eine Beschreibung.", location=""):
    """Submit an idea through the form, as a participant does; returns its id."""
    response = client.post(f"/p/{k.slug}/ideas/new", data={
        "title": title, "description": description, "category": str(k.categories[category]), "location": location,
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.search(rf"/p/{k.slug}/ideas/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def support(client, idea_id, value=1, htmx=False):
    return client.post(f"/voting/vote/idea/{idea_id}", data={"value": str(value)},
                       headers={"HX-Request": "true"} if htmx else {})


def listed_titles(page: str) -> list[str]:
    """The idea titles of a rendered list, in the order shown."""
    return [html.unescape(t) for t in re.findall(r'<h2 class="idea-title"[^>]*><a [^>]*>([^<]*)</a>', page)]


def widget(page: str, idea_id: int) -> str:
    match = re.search(rf'<div class="voting-widget[^"]*" id="voting-idea-{idea_id}".*?</div>', page, re.S)
    assert match, f"no vote widget for idea {idea_id}"
    return match.group(0)


def stored_votes(app):
    """All stored votes as sorted (item_type, item_id, user_id, value) tuples."""
    from plugins.voting.models import Vote

    with app.app_context():
        return sorted(tuple(r) for r in db.session.execute(db.select(Vote.item_type, Vote.item_id, Vote.user_id, Vote.value)))

