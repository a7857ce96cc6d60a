"""Public pages: the home page's project lists and a project's page with its phases."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from ..clock import now
from ..extensions import db
from ..following import is_following
from ..models import PhaseState, Project, ProjectRole
from ..policy import known_phases, load_roles
from ..toolkit import load_project

bp = Blueprint("projects", __name__)


def visible_projects():
    """Projects the current user may see, phases loaded in one extra query."""
    query = db.select(Project).options(selectinload(Project.phases)).order_by(Project.created_at.desc())
    if not getattr(current_user, "is_admin", False):
        conditions = [Project.is_public.is_(True)]
        if current_user.is_authenticated:
            member_of = db.select(ProjectRole.project_id).where(ProjectRole.user_id == current_user.id)
            conditions.append(Project.id.in_(member_of))
        query = query.where(or_(*conditions))
    return db.session.scalars(query).all()


def project_state(project: Project, at) -> PhaseState:
    """Active while any phase of an enabled kind is; upcoming before the first; ended after the last."""
    states = {p.state(at) for p in known_phases(project)}
    if PhaseState.ACTIVE in states:
        return PhaseState.ACTIVE
    if PhaseState.UPCOMING in states or not states:
        return PhaseState.UPCOMING
    return PhaseState.ENDED


@bp.get("/")
def home():
    at = now()
    groups = {state: [] for state in PhaseState}
    projects = visible_projects()
    load_roles(current_user, projects)  # the "Private"/"Draft" badges ask who manages each project
    for project in projects:
        groups[project_state(project, at)].append(project)
    return render_template("projects/home.html", groups=groups, at=at)


@bp.get("/p/<slug>")
def project(slug):
    project = load_project(slug)
    at = now()
    return render_template(
        "projects/project.html",
        project=project,
        phases=known_phases(project),
        at=at,
        state=project_state(project, at),
        following=is_following(current_user, project),
    )
