"""The stable toolkit for plugins: everything a plugin needs from the core, in one import.

A plugin imports the core only from here and from ``core`` (``hookimpl``); its
tests use the fixtures of ``core.testing``. Everything else in ``core`` is
internal and may change between releases; an import contract (``make test``)
keeps the built-in plugins to the same rule. A typical plugin view::

    from core.toolkit import Blueprint, db, load_project, render_template, require

    bp = Blueprint("notes", __name__, url_prefix="/p/<slug>/notes")

    @bp.post("")
    def add_note(slug):
        project = load_project(slug)          # 404 if missing or private
        require("note.create", project)       # 403 with the reason, or to the login page
        ...

What is here, by topic:

- hooks and registration: ``hookimpl``; ``PhaseKind``, ``PhaseSetting``, ``NavItem``,
  ``ProjectTab``, ``ManageLink``, ``SortOption``, ``Exporter``, ``ExportColumn``, ``ItemType``,
  ``Contribution`` (what a person contributed, for the ``user_contributions`` hook),
  ``ResultSection`` (figures on a phase's results page, for the ``phase_results`` hook);
- data: ``db``, ``conflict_insert`` (``INSERT … ON CONFLICT`` on SQLite and PostgreSQL alike),
  ``UTCDateTime``, the core models ``User``, ``Project``, ``Phase``
  (``PhaseState``, ``Role``), ``get_or_404``, ``load_project``, ``known_phases``
  (a project's phases in order), ``create_project``/``add_phase``/``create_user``
  (for demo content and tests), ``DomainError``;
- following: ``follow(user, project)``, called where a plugin stores a contribution (the person
  follows the project from then on, unless they once unfollowed it), ``is_following``;
- notifications: ``NotificationKind`` (for the ``register_notification_kinds`` hook) and
  ``notify(kind, recipients, project=, item=, actor=, **payload)``, called in the transaction of the
  event: the inbox, each person's choice (at once, daily digest, off) and the e-mails follow;
  ``people_with_role(project, *roles)`` (who hears of a project's moderation work);
  ``prepare_notifications([(kind, recipients), …], project=, actor=)``: notify's reads for one event, done
  before its first write (one query), each result then ``.add(item=…, **payload)``;
- who may do what, when: ``can``, ``require``, ``Decision`` (``Decision.deny(reason)``),
  ``ALLOW``, ``has_role``, ``active_phase_for``, ``participation_decision``;
- time: ``now`` (the injectable clock; one moment per request), ``format_moment``,
  ``format_day`` (also the template filters ``|moment`` and ``|day``);
- text: ``clean_html``, ``text_to_html``, ``plain_text``, ``excerpt`` (the one sanitizer);
- requests: ``is_htmx``, ``wants_fragment``, ``render_page_or_fragment``, ``parse_int``,
  ``MAX_PAGE``, ``safe_next`` and ``same_site_path`` (the one safe-redirect helper), ``current_page``
  (the page the reader is on, also for htmx), ``posting_limit``,
  ``ConfirmForm`` (a CSRF-protected button), ``reorder`` (move a thing up or down among its
  siblings: phases, chapters, questions), ``cached_fragment``, ``cached_value``, ``anonymous_page``, ``cache_versions``,
  ``reader_key`` (the reader's rights and tabs, for the key of a fragment that shows them),
  ``render_page`` (a page's content in the site's frame, which a logged-in reader gets from the cache);
- cache scopes (``core/cache_scopes.py``): ``project_scope``, ``header_scope``, ``item_scope`` name what
  a cached fragment shows, ``version_of(prefix)`` says whether anything under one changed;
  ``touch_cache_scopes`` for the rare write the core cannot see, ``bump_content_version(project)``
  to outdate every cached page of a project;
- command line: ``write_export`` and ``export_options`` (a plugin's ``export`` shortcut writes CSV or XLSX like
  ``mitsprache export``, with ``--lang`` and ``--dialect``); ``time_header`` marks an export's time columns;
- search: ``SearchSource`` and ``SearchDocument`` (for the ``register_search_sources`` hook);
  ``matching_ids(item_type, q, project_id=)`` (a subquery of the items matching a search box, for a
  plugin's own list; ``SearchQueryError`` says why a text cannot be searched); ``stem`` and
  ``stem_words`` (Snowball German stems, umlauts folded, for a plugin's own index);
- words: ``gettext``/``_``, ``ngettext``, ``lazy_gettext``/``_l`` (Flask-Babel);
- Flask's own names a view needs, for one import line: ``Blueprint``, ``render_template``,
  ``url_for``, ``redirect``, ``flash``, ``request``, ``abort``, ``current_user``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from flask_babel import gettext, lazy_gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from . import hookimpl
from .cache import anonymous_page, cache_versions, cached_fragment, cached_value
from .page_frame import render_page
from .cache_scopes import bump_content_version, header_scope, item_scope, project_scope, version_of
from .cache_scopes import touch as touch_cache_scopes
from .clock import now
from .export_cli import export_options, write_export
from .conflict_insert import conflict_insert
from .extensions import db
from .following import follow, is_following
from .forms import ConfirmForm
from .htmx import is_htmx, render_page_or_fragment, wants_fragment
from .models import Phase, PhaseState, Project, ProjectRole, Role, User, by_primary_key
from .notifications.api import notify, people_with_role
from .notifications.api import prepare_each as prepare_notifications
from .numbers import MAX_PAGE, parse_int
from .ordering import reorder
from .policy import ALLOW, Decision, active_phase_for, can, has_role, known_phases, participation_decision, remember_roles
from .ratelimits import posting_limit
from .reader_key import reader_key
from .redirects import current_page, safe_next, same_site_path
from .registry import NotificationKind
from .registry import (
    Contribution, ExportColumn, Exporter, ItemType, ManageLink, NavItem, PhaseKind, PhaseSetting, ProjectTab,
    ResultSection, SortOption, time_header,
)
from .registry import SearchDocument, SearchSource
from .sanitize import clean_html, excerpt, plain_text, text_to_html
from .search.query import QueryError as SearchQueryError
from .search.results import matching_ids
from .search.stemming import german_words as stem_words
from .search.stemming import stem
from .services import DomainError, add_phase, create_project, create_user
from .timefmt import format_day, format_moment
from .types import UTCDateTime

_ = gettext
_l = lazy_gettext


# The statements of every project page, built once (building and keying them cost as much as running them).
_PROJECT_BY_SLUG = select(Project).where(Project.slug == bindparam("slug")).options(joinedload(Project.phases))
_PROJECT_WITH_ROLES = _PROJECT_BY_SLUG.add_columns(ProjectRole.role).outerjoin(
    ProjectRole, (ProjectRole.project_id == Project.id) & (ProjectRole.user_id == bindparam("user_id")))


def load_project(slug: str) -> Project:
    """The project by slug, or 404 (also when the user may not see it: private projects stay hidden).

    Its phases come in the same query: nearly every project page asks which
    phase is open, and a second round trip per request is measurable on the
    cached anonymous pages. For a logged-in reader their roles in the project
    come along as well (the policy asks for them on nearly every page).
    """
    if not current_user.is_authenticated:
        project = db.session.scalars(_PROJECT_BY_SLUG, {"slug": slug}).unique().first()
    else:
        rows = db.session.execute(_PROJECT_WITH_ROLES, {"slug": slug, "user_id": current_user.id}).unique().all()
        project = rows[0][0] if rows else None
        if project is not None:
            remember_roles(current_user, project, (role for _, role in rows if role is not None))
    if project is None or not can(current_user, "project.view", project):
        abort(404)
    return project


def get_or_404(model: type, ident: Any, project: Project | None = None):
    """A row by primary key, or 404; with ``project``, also 404 if it belongs elsewhere."""
    obj = db.session.scalars(by_primary_key(model), {"ident": ident}).first()
    if obj is None or (project is not None and getattr(obj, "project_id", project.id) != project.id):
        abort(404)
    return obj


def _back_path() -> str:
    """Where to return after logging in: this page, or for a form post the page it came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return same_site_path(request.referrer) or "/"


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
    # hooks and registration
    "hookimpl", "PhaseKind", "PhaseSetting", "NavItem", "ProjectTab", "ManageLink", "SortOption", "Exporter",
    "ExportColumn", "time_header", "ItemType", "Contribution", "ResultSection",
    # data
    "db", "conflict_insert", "UTCDateTime", "User", "Project", "Phase", "PhaseState", "Role", "get_or_404", "load_project",
    "known_phases", "create_project", "add_phase", "create_user", "DomainError",
    # following
    "follow", "is_following",
    # notifications
    "NotificationKind", "notify", "prepare_notifications", "people_with_role",
    # who may do what, when
    "can", "require", "Decision", "ALLOW", "has_role", "active_phase_for", "participation_decision",
    # time
    "now", "format_moment", "format_day",
    # text
    "clean_html", "text_to_html", "plain_text", "excerpt",
    # requests
    "is_htmx", "wants_fragment", "render_page_or_fragment", "parse_int", "MAX_PAGE", "safe_next", "same_site_path", "current_page",
    "posting_limit", "ConfirmForm", "reorder", "cached_fragment", "cached_value", "anonymous_page", "cache_versions", "reader_key", "render_page", "project_scope",
    "header_scope", "item_scope", "touch_cache_scopes", "bump_content_version", "version_of",
    "write_export", "export_options",
    # search
    "SearchSource", "SearchDocument", "matching_ids", "SearchQueryError", "stem", "stem_words",
    # words
    "gettext", "_", "ngettext", "lazy_gettext", "_l",
    # Flask's own
    "Blueprint", "render_template", "url_for", "redirect", "flash", "request", "abort", "current_user",
]
