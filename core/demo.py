"""Demo content for ``mitsprache init --demo``: users from the core, projects from plugins.

Each enabled plugin's ``seed_demo(demo)`` hook adds its own projects and phases,
so a deployment's demo shows exactly the modules it runs.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from .clock import now
from .extensions import db
from .following import follow
from .models import Phase, Project, User
from .participation import contributions_of
from .services import add_phase, create_project, create_user, grant_role

DEMO_PASSWORD = "demo-password"

DEMO_USERS = [
    # key, e-mail, display name, admin
    ("admin", "admin@example.org", "Site Admin", True),
    ("initiator", "initiator@example.org", "Stadt Beispielstadt", False),
    ("moderator", "moderator@example.org", "Moderation Team", False),
    ("editor", "redaktion@example.org", "Redaktion", False),
    ("anna", "anna@example.org", "Anna K.", False),
    ("ben", "ben@example.org", "Ben", False),
    ("cem", "cem@example.org", "Cem Y.", False),
    ("dora", "dora@example.org", "Dora", False),
]


class DemoBuilder:
    """Helpers the ``seed_demo`` hook receives; ``demo.users["anna"]`` etc."""

    def __init__(self, at: datetime):
        self.now = at
        self.users: dict[str, User] = {}
        #: What one plugin's demo content offers others to build on, by ``"<plugin>.<what>"`` key
        #: (the commenting plugin's ended draft, for the official responses to answer), so no
        #: plugin imports another for its demo. Seeders that read it run last (``trylast``).
        self.shared: dict[str, Any] = {}

    def days(self, n: float) -> datetime:
        """``now`` shifted by ``n`` days (negative: in the past)."""
        return self.now + timedelta(days=n)

    def project(self, slug: str, title: str, description: str = "", *, is_public: bool = True) -> Project:
        """A project run by the demo initiator and moderated by the demo moderator."""
        project = create_project(slug, title, description, is_public=is_public, initiator=self.users["initiator"])
        grant_role(project, self.users["moderator"], "moderator")
        return project

    def appoint(self, project: Project, user: User, role: str) -> None:
        """Give ``user`` a role in ``project`` ("editor", "moderator", "member")."""
        grant_role(project, user, role)

    def phase(self, project: Project, kind: str, title: str, start: datetime, end: datetime, description: str = "", **settings) -> Phase:
        return add_phase(project, kind, title, start, end, description, settings)

    def results(self, phase: Phase, text: str, next_steps: str = "", link_url: str = "", link_label: str = "") -> None:
        """Published results of an ended ``phase`` (HTML): what its results page and "See the results" show."""
        from .results.services import save_results

        published_at = min(self.now, phase.end + timedelta(days=3))
        save_results(phase, text, next_steps, link_url, link_label, publish=True, published_at=published_at)


def seed_demo() -> DemoBuilder:
    """Create demo users, then let each plugin add its projects. Commits once at the end."""
    # Whole hours read better on the demo's pages ("until 2 December, 20:00").
    demo = DemoBuilder(now().replace(minute=0, second=0, microsecond=0))
    for key, email, name, admin in DEMO_USERS:
        demo.users[key] = create_user(email, DEMO_PASSWORD, name, is_admin=admin)
    current_app.extensions["mitsprache"].pm.hook.seed_demo(demo=demo)
    db.session.flush()
    _follow_where_contributed(demo.users.values())
    db.session.commit()
    return demo


def _follow_where_contributed(users) -> None:
    """Each demo person follows the projects they contributed to, as the site's own forms make them
    (plugins seed through their services, which leave following to the views)."""
    # The contributions carry their links; building them needs a request (the command line has none).
    with current_app.test_request_context():
        for user in users:
            projects = {entry.project.id for entry in contributions_of(user) if entry.project is not None}
            for project_id in sorted(projects):
                follow(user, project_id)
