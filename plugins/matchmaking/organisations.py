"""Who acts for which organisation, who are the organisers, and who may see contact details.

The privacy rule of the plugin lives here, in one function::

    may_see_contacts(user, organisation)   # organisers, the organisation's own people,
                                           # and people of an organisation with a mutual connection

Templates never print ``contact_email`` & co. themselves: they call
``matchmaking_contacts(org)``, which returns the details or None (see
:func:`contacts_for`).
"""
from __future__ import annotations

from flask import g
from sqlalchemy import or_, select

from core.toolkit import Role, _l, current_user, db, has_role

from .models import INITIATIVE, PUBLIC_BODY, Connection, Membership, Organisation, Settings

BASE_KINDS = [(PUBLIC_BODY, _l("Public body")), (INITIATIVE, _l("Initiative"))]


def settings_of(project) -> Settings:
    """The project's settings row (not stored until changed)."""
    row = db.session.scalar(select(Settings).where(Settings.project_id == project.id))
    return row or Settings(project_id=project.id, weights={}, extra_kinds=[])


def kind_choices(project) -> list[tuple[str, str]]:
    """Public body, initiative, and the project's extra kinds (which act on the initiatives' side)."""
    extra = [(name, name) for name in settings_of(project).extra_kinds or []]
    return [(key, str(label)) for key, label in BASE_KINDS] + extra


def kind_label(kind: str) -> str:
    return next((str(label) for key, label in BASE_KINDS if key == kind), kind)


def is_organiser(user, project) -> bool:
    """The project's initiators (and site admins) organise the matchmaking."""
    return has_role(user, project, Role.INITIATOR)


def my_organisations(project, user=None) -> list[Organisation]:
    """Organisations of ``project`` the user acts for; cached for the request."""
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return []
    cache = g.setdefault("_matchmaking_mine", {})
    key = (user.id, project.id)
    if key not in cache:
        cache[key] = list(
            db.session.scalars(
                select(Organisation)
                .join(Membership, Membership.organisation_id == Organisation.id)
                .where(Membership.user_id == user.id, Organisation.project_id == project.id)
                .order_by(Organisation.name)
            )
        )
    return cache[key]


def my_org_ids(project, user=None) -> set[int]:
    return {org.id for org in my_organisations(project, user)}


def acts_for(user, organisation) -> bool:
    return organisation.id in my_org_ids(organisation.project, user)


def connected_ids(org_ids) -> set[int]:
    """Organisations with a mutual connection to any of ``org_ids``."""
    org_ids = list(org_ids)
    if not org_ids:
        return set()
    rows = db.session.execute(
        select(Connection.org_low_id, Connection.org_high_id).where(
            or_(Connection.org_low_id.in_(org_ids), Connection.org_high_id.in_(org_ids))
        )
    )
    mine = set(org_ids)
    return {b if a in mine else a for a, b in rows}


def may_see_contacts(user, organisation) -> bool:
    """Contact details: organisers, the organisation's own people, and those mutually connected with it."""
    project = organisation.project
    if is_organiser(user, project):
        return True
    mine = my_org_ids(project, user)
    if organisation.id in mine:
        return True
    cache = g.setdefault("_matchmaking_connected", {})
    key = frozenset(mine)
    if key not in cache:
        cache[key] = connected_ids(mine)
    return organisation.id in cache[key]


def contacts_for(organisation) -> dict | None:
    """The organisation's contact details for the current user, or None if they may not see them."""
    if organisation is None or not may_see_contacts(current_user, organisation):
        return None
    return {"email": organisation.contact_email, "phone": organisation.contact_phone, "name": organisation.contact_name}


def organisations_of(project, *, kind: str | None = None, body_side: bool | None = None) -> list[Organisation]:
    query = select(Organisation).where(Organisation.project_id == project.id).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    if body_side is True:
        query = query.where(Organisation.kind == PUBLIC_BODY)
    elif body_side is False:
        query = query.where(Organisation.kind != PUBLIC_BODY)
    return list(db.session.scalars(query))


def find_or_create(project, name: str, kind: str, **values) -> tuple[Organisation, bool]:
    """The project's organisation of that name (case-insensitive), or a new one; used by the importer and demo."""
    folded = name.strip().casefold()
    for org in organisations_of(project):
        if org.name.casefold() == folded:
            return org, False
    org = Organisation(project_id=project.id, project=project, kind=kind, name=name.strip(), **values)
    db.session.add(org)
    db.session.flush()
    return org, True


def add_member(organisation, user) -> Membership:
    existing = db.session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id, Membership.user_id == user.id)
    )
    if existing:
        return existing
    membership = Membership(organisation_id=organisation.id, user_id=user.id)
    db.session.add(membership)
    db.session.flush()
    return membership
