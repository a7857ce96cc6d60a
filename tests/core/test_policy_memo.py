"""The policy decides a question about a project once per request: never for longer, never for someone else."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from core import hookimpl
from core.extensions import db
from core.models import Project, ProjectRole, User
from core.policy import can
from tests.conftest import T0
from tests.core import notes_plugin


class Counting:
    """A plugin that counts how often the policy asks it about ``notes.publish`` and grants it to initiators."""

    PLUGIN_NAME = "counting"

    def __init__(self):
        self.asked = 0

    @hookimpl
    def check_permission(self, user, action, obj, project):
        if action != "notes.publish":
            return None
        self.asked += 1
        roles = {role for (role,) in db.session.execute(db.select(ProjectRole.role).where(
            ProjectRole.user_id == getattr(user, "id", None), ProjectRole.project_id == project.id))}
        return "initiator" in roles


@pytest.fixture
def setup(make_app, users, project_with_phase):
    counting = Counting()
    app = make_app(plugins=[], extra_plugins=[notes_plugin, counting])
    people = users(app)
    slug, _ = project_with_phase(app, "notes", start=T0, end=T0 + timedelta(days=3), people=people)
    return SimpleNamespace(app=app, people=people, slug=slug, counting=counting)


def _project(slug):
    return db.session.scalar(db.select(Project).where(Project.slug == slug))


def test_a_repeated_question_within_one_request_is_decided_once(setup):
    with setup.app.test_request_context("/"):
        project, initiator = _project(setup.slug), db.session.get(User, setup.people.initiator.id)
        answers = [bool(can(initiator, "notes.publish", project)) for _ in range(3)]
    assert answers == [True, True, True]
    assert setup.counting.asked == 1


def test_no_decision_is_shared_between_people(setup):
    with setup.app.test_request_context("/"):
        project = _project(setup.slug)
        initiator, anna = db.session.get(User, setup.people.initiator.id), db.session.get(User, setup.people.anna.id)
        assert can(initiator, "notes.publish", project)
        assert not can(anna, "notes.publish", project)
        assert can(initiator, "notes.publish", project)
    assert setup.counting.asked == 2


def test_a_decision_does_not_outlive_its_request(setup):
    app = setup.app
    for expected in (True, False):
        with app.test_request_context("/"):
            project, initiator = _project(setup.slug), db.session.get(User, setup.people.initiator.id)
            assert bool(can(initiator, "notes.publish", project)) is expected
            if expected:  # the role is taken away; the next request must know
                db.session.execute(db.delete(ProjectRole).where(ProjectRole.user_id == initiator.id))
                db.session.commit()
    assert setup.counting.asked == 2


def test_a_write_within_the_request_forgets_the_decisions(setup):
    with setup.app.test_request_context("/"):
        project, anna = _project(setup.slug), db.session.get(User, setup.people.anna.id)
        assert not can(anna, "notes.publish", project)
        db.session.add(ProjectRole(project_id=project.id, user_id=anna.id, role="initiator"))
        db.session.flush()
        assert can(anna, "notes.publish", project)
        db.session.rollback()
    assert setup.counting.asked == 2


def _ask_twice(setup, about=lambda project: project):
    """Ask the initiator's question about ``about(project)`` twice in the current context."""
    project, initiator = _project(setup.slug), db.session.get(User, setup.people.initiator.id)
    for _ in range(2):
        can(initiator, "notes.publish", about(project))


def test_form_posts_and_questions_outside_a_request_are_decided_every_time(setup):
    with setup.app.test_request_context("/", method="POST"):
        _ask_twice(setup)
    with setup.app.app_context():
        _ask_twice(setup)
    assert setup.counting.asked == 4


def test_questions_about_a_contribution_are_not_remembered(setup):
    with setup.app.test_request_context("/"):
        _ask_twice(setup, about=lambda project: SimpleNamespace(project=project))
    assert setup.counting.asked == 2


def test_unsaved_changes_are_decided_afresh(setup):
    with setup.app.test_request_context("/"):
        project, initiator = _project(setup.slug), db.session.get(User, setup.people.initiator.id)
        assert can(initiator, "notes.publish", project)
        initiator.display_name = "Renamed"  # not flushed: whatever a plugin reads of it must count
        assert can(initiator, "notes.publish", project)
        db.session.rollback()
    assert setup.counting.asked == 2
