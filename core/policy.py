"""One place that decides who may do what: ``can(user, action, obj)``.

Views ask before every write and templates ask before showing a form::

    decision = can(current_user, "comment.create", paragraph)
    if not decision:
        abort(403, decision.reason)   # "Participation ended on 10 April 2022, 23:59"

How a decision is made:

1. The project (``obj.project``) must be visible to the user.
2. Core actions: ``project.view``, ``project.follow`` (anyone logged in who may
   see it), ``project.manage`` (initiators, admins), ``project.moderate``
   (moderators, initiators, admins), ``project.respond`` (answer contributions
   officially for the organisation: editors, initiators, admins).
3. *Participation actions* — any action listed in some phase kind's ``features``
   — need a logged-in user and an active phase of such a kind. Otherwise the
   decision explains when participation starts or when it ended.
4. Every plugin's ``check_permission`` hook votes. Any ``False`` denies (a veto);
   an action the core does not know is allowed only if some plugin says ``True``.

Roles and phases are looked up once per request and project (cached on
``flask.g``), so asking ``can`` for each of 200 comments costs no extra queries.
Decisions about a project itself (``can(user, "project.manage", project)``,
asked by the view, the tab bar and the header alike) are made once per request,
user and action (:func:`_remembered`); a write in between forgets them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Collection, Iterable

from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from .clock import now
from .extensions import db
from .models import Phase, PhaseState, Project, ProjectRole, Role
from .timefmt import format_moment


@dataclass(frozen=True)
class Decision:
    """The answer to "may I?", with a reason people can read when it is no."""

    allowed: bool
    reason: str = ""
    code: str = ""  # "login", "not_started", "ended", "not_available", "forbidden", "not_found"
    opens_at: datetime | None = None

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def deny(cls, reason: str, code: str = "forbidden", opens_at: datetime | None = None) -> "Decision":
        """A "no" that people can read, e.g. from a veto hook::

            return Decision.deny(_("Only members of the jury may vote."))
        """
        return cls(False, reason, code, opens_at)


ALLOW = Decision(True)

CORE_ROLE_ACTIONS = {
    "project.manage": {Role.INITIATOR},
    "project.moderate": {Role.INITIATOR, Role.MODERATOR},
    # Speaking for the organisation: the project's editors ("Redaktion") write official responses
    # without managing the project; a moderator is no editor unless appointed one.
    "project.respond": {Role.INITIATOR, Role.EDITOR},
}


def _state() -> Any:
    return current_app.extensions["mitsprache"]


#: Built once (asked on most pages of a logged-in reader; building a statement costs more than running it).
_ROLES = select(ProjectRole.role).where(ProjectRole.project_id == bindparam("project_id"),
                                        ProjectRole.user_id == bindparam("user_id"))


def roles_of(user: Any, project: Project) -> frozenset[str]:
    """The user's roles in the project; cached for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_mitsprache_roles", {})
    key = (user.id, project.id)
    if key not in cache:
        cache[key] = frozenset(db.session.scalars(_ROLES, {"project_id": project.id, "user_id": user.id}))
    return cache[key]


def load_roles(user: Any, projects: list[Project]) -> None:
    """Read the user's roles in all ``projects`` in one query, so a list asking ``can`` per project costs none."""
    if not getattr(user, "is_authenticated", False) or not projects:
        return
    cache = g.setdefault("_mitsprache_roles", {})
    found: dict[int, set[str]] = {project.id: set() for project in projects}
    rows = db.session.execute(
        db.select(ProjectRole.project_id, ProjectRole.role).where(
            ProjectRole.user_id == user.id, ProjectRole.project_id.in_(list(found))
        )
    )
    for project_id, role in rows:
        found[project_id].add(role)
    for project_id, roles in found.items():
        cache.setdefault((user.id, project_id), frozenset(roles))


def remember_roles(user: Any, project: Project, roles: Iterable[str]) -> None:
    """Keep the user's roles in ``project``, read along with something else, for the rest of the request."""
    if getattr(user, "is_authenticated", False):
        g.setdefault("_mitsprache_roles", {}).setdefault((user.id, project.id), frozenset(roles))


def has_role(user: Any, project: Project, *roles: str) -> bool:
    """True for site admins and for users holding one of ``roles`` in ``project``."""
    if getattr(user, "is_admin", False):
        return True
    return bool(roles_of(user, project) & set(roles))


def known_phases(project: Project) -> list[Phase]:
    """The project's phases whose kind an enabled plugin offers, in order; cached per request."""
    cache = g.setdefault("_mitsprache_phases", {})
    if project.id not in cache:
        kinds = _state().registry.phase_kinds
        cache[project.id] = [p for p in project.phases if p.kind in kinds]
    return cache[project.id]


def active_phases(project: Project, at: datetime | None = None) -> list[Phase]:
    at = at or now()
    return [p for p in known_phases(project) if p.state(at) is PhaseState.ACTIVE]


def active_phase_for(project: Project, action: str, kinds: Collection[str] | None = None) -> Phase | None:
    """The active phase whose kind grants ``action`` (its settings may matter), if any; ``kinds`` narrows the kinds."""
    registered = _state().registry.phase_kinds
    for phase in active_phases(project):
        if action in registered[phase.kind].features and (kinds is None or phase.kind in kinds):
            return phase
    return None


def can_view(user: Any, project: Project) -> bool:
    if project.is_public:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return has_role(user, project, Role.INITIATOR, Role.MODERATOR, Role.EDITOR, Role.MEMBER)


def participation_decision(action: str, project: Project, at: datetime | None = None,
                           kinds: Collection[str] | None = None) -> Decision:
    """Is a phase granting ``action`` active? If not, say when it opens or when it ended.

    ``kinds`` narrows the question to phases of those kinds: several kinds may grant
    ``comment.create``, but a paragraph of a draft may only be discussed while a
    ``commenting`` phase is open, not during the project's later idea phase.
    """
    at = at or now()
    registered = _state().registry.phase_kinds
    relevant = [p for p in known_phases(project)
                if action in registered[p.kind].features and (kinds is None or p.kind in kinds)]
    if any(p.state(at) is PhaseState.ACTIVE for p in relevant):
        return ALLOW
    upcoming = sorted((p for p in relevant if p.state(at) is PhaseState.UPCOMING), key=lambda p: p.start)
    if upcoming:
        start = upcoming[0].start
        return Decision(
            False, _("Participation starts on %(when)s.", when=format_moment(start)), "not_started", start
        )
    ended = sorted((p for p in relevant if p.state(at) is PhaseState.ENDED), key=lambda p: p.end)
    if ended:
        when = format_moment(ended[-1].end)
        current = active_phases(project, at)
        if current:
            # "Participation ended" would be wrong while the project's next phase is open.
            return Decision(
                False,
                _("This was possible until %(when)s. Now the phase “%(phase)s” is open.", when=when, phase=current[0].title),
                "ended",
            )
        return Decision(False, _("Participation ended on %(when)s.", when=when), "ended")
    return Decision(False, _("Participation is not possible in this project."), "not_available")


def _core_decision(user: Any, action: str, project: Project | None) -> Decision | None:
    """The core's own answer, or None when the action is unknown to the core."""
    if project is None:
        return None
    if not can_view(user, project):
        return Decision(False, _("This project is private."), "not_found")
    if action == "project.view":
        return ALLOW
    if action == "project.follow":  # anyone logged in who may see the project
        if not getattr(user, "is_authenticated", False):
            return Decision(False, _("Please log in to continue."), "login")
        return ALLOW
    if action in CORE_ROLE_ACTIONS:
        if not getattr(user, "is_authenticated", False):
            return Decision(False, _("Please log in to continue."), "login")
        if has_role(user, project, *CORE_ROLE_ACTIONS[action]):
            return ALLOW
        return Decision(False, _("You are not allowed to do this."), "forbidden")
    if action in _state().registry.participation_actions:
        decision = participation_decision(action, project)
        if decision and not getattr(user, "is_authenticated", False):
            return Decision(False, _("Please log in to participate."), "login")
        return decision
    return None


_DECISIONS = "_mitsprache_decisions"


def _memo_key(user: Any, action: str, obj: Any, project: Project | None) -> tuple | None:
    """The key a decision about the project itself is remembered under for this request, or None.

    Only questions about the project (``obj`` is the project or None) are
    remembered: they depend on the user's roles and the phases, which are
    read once per request anyway, and on the project row. Questions about a
    comment or an idea depend on that object's state and are asked once each.
    Only reading requests (GET, HEAD) remember, a flush forgets, and nothing
    is remembered while the session holds unsaved changes (a renamed user, a
    project made private): a form post that changes a role or a phase is
    decided afresh. Nothing is remembered outside a request (command line,
    tests between requests).
    """
    if project is None or (obj is not None and obj is not project) or not has_request_context():
        return None
    project_id = project.id
    if project_id is None or request.method not in ("GET", "HEAD"):
        return None
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return None
    if getattr(user, "is_authenticated", False):
        user_id = getattr(user, "id", None)
        if user_id is None:
            return None
        who: tuple = (user_id, bool(getattr(user, "is_admin", False)))
    else:
        who = ()
    return (action, who, project_id, obj is None)


def _forget_decisions(_session: Any, _flush_context: Any) -> None:
    """A flush may have changed a role, a phase or a plugin's rows: decide again after it."""
    if has_request_context():
        g.pop(_DECISIONS, None)


def forget_decisions_after_writes() -> None:
    """Drop the request's remembered decisions whenever the session writes (installed once per process)."""
    if not event.contains(Session, "after_flush", _forget_decisions):
        event.listen(Session, "after_flush", _forget_decisions)


def can(user: Any, action: str, obj: Any = None, *, project: Project | None = None) -> Decision:
    """May ``user`` do ``action`` on ``obj`` (which knows its ``.project``)?"""
    if project is None and obj is not None:
        project = getattr(obj, "project", None)
    key = _memo_key(user, action, obj, project)
    if key is None:
        return _decide(user, action, obj, project)
    remembered = g.setdefault(_DECISIONS, {})
    decision = remembered.get(key)
    if decision is None:
        decision = remembered[key] = _decide(user, action, obj, project)
    return decision


def _decide(user: Any, action: str, obj: Any, project: Project | None) -> Decision:
    """The core's answer and every plugin's vote: any ``False`` denies."""
    base = _core_decision(user, action, project)
    if base is not None and not base:
        return base
    granted = False
    for vote in _state().pm.hook.check_permission(user=user, action=action, obj=obj, project=project):
        if vote is None:
            continue
        if not vote:
            if isinstance(vote, Decision):
                return vote
            return Decision(False, _("You are not allowed to do this."), "forbidden")
        granted = True
    if base is None and not granted:
        return Decision(False, _("You are not allowed to do this."), "forbidden")
    return base or ALLOW
