"""The stable toolkit for plugins: import from here, not from core internals.

A typical plugin view::

    from core.toolkit import db, load_project, require, render_page_or_fragment

    @bp.post("/p/<slug>/notes")
    def add_note(slug):
        project = load_project(slug)          # 404 if missing or private
        require("note.create", project)       # 403 with the reason, or to the login page
        ...
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import abort, make_response, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from . import hookimpl
from .clock import now
from .extensions import db
from .htmx import is_htmx, render_page_or_fragment, wants_fragment
from .models import Phase, PhaseState, Project, User
from .numbers import MAX_PAGE, parse_int
from .ratelimits import posting_limit
from .redirects import safe_next
from .policy import ALLOW, Decision, active_phase_for, can, has_role, known_phases, participation_decision
from .sanitize import clean_html, excerpt, plain_text, text_to_html
from .timefmt import format_day, format_moment


def load_project(slug: str) -> Project:
    """The project by slug, or 404 (also when the user may not see it: private projects stay hidden)."""
    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None or not can(current_user, "project.view", project):
        abort(404)
    return project


def get_or_404(model: type, ident: Any, project: Project | None = None):
    """A row by primary key, or 404; with ``project``, also 404 if it belongs elsewhere."""
    obj = db.session.get(model, ident)
    if obj is None or (project is not None and getattr(obj, "project_id", project.id) != project.id):
        abort(404)
    return obj


def _back_path() -> str:
    """Where to return after logging in: this page, or for a form post the page it came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def require(action: str, obj: Any = None, *, project: Project | None = None) -> Decision:
    """Stop the request unless ``can(current_user, action, obj)``.

    Anonymous users are sent to the login page (htmx requests via ``HX-Redirect``);
    everyone else gets a 403 page stating the reason, e.g. when participation ended.
    """
    decision = can(current_user, action, obj, project=project)
    if decision:
        return decision
    if decision.code == "login":
        target = url_for("auth.login", next=_back_path())
        if is_htmx():
            response = make_response("", 204)
            response.headers["HX-Redirect"] = target
        else:
            response = redirect(target)
        raise HTTPException(response=response)
    if decision.code == "not_found":
        abort(404)
    abort(403, description=decision.reason)


__all__ = [
    "ALLOW", "Decision", "MAX_PAGE", "Phase", "PhaseState", "Project", "User", "abort", "active_phase_for", "can",
    "clean_html", "current_user", "db", "excerpt", "format_day", "format_moment", "get_or_404", "has_role",
    "hookimpl", "is_htmx", "known_phases", "load_project", "now", "parse_int", "participation_decision", "plain_text",
    "render_page_or_fragment", "require", "text_to_html", "wants_fragment",
    "posting_limit",
    "safe_next",
]
