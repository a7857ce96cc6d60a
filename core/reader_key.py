"""What a cached part of a project page depends on for the person reading it.

A fragment that shows the project's header (its tabs, the "Manage project"
button) or anything else decided by the reader's rights is the same for every
reader with the same rights, not for everyone: put :func:`reader_key` into its
cache key, next to the participation decision it shows::

    key = ("ideas.list", project.id, reader_key(project), decision.code, str(decision.reason))
    html = cached_fragment(key, project, render)

Both parts cost no query of their own: roles are read once per request by the
policy, and the tabs once per request by the header anyway.
"""
from __future__ import annotations

from flask_login import current_user

from .models import Project
from .policy import roles_of
from .template_helpers import project_tabs


def reader_key(project: Project) -> tuple:
    """The reader's rights in ``project`` (logged in, site admin, roles) and the tabs they see."""
    rights = (
        bool(getattr(current_user, "is_authenticated", False)),
        bool(getattr(current_user, "is_admin", False)),
        tuple(sorted(roles_of(current_user, project))),
    )
    tabs = tuple((tab.key, tab.endpoint, str(tab.label), tab.order) for tab in project_tabs(project))
    return rights, tabs
