"""Who finds what: the conditions every search adds in SQL, before counting or paging.

Like the pages themselves: a private project's documents only for its members
and staff (initiators, moderators) and site admins; a ``hidden`` document, or
one that belongs to a hidden item (a comment on an idea the moderators hid),
only for the project's initiators and moderators and site admins. Projects
have no unpublished state; upcoming projects are listed on the home page, so
their documents are found like any other.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from ..models import Project, ProjectRole, Role
from .models import IndexedDocument


def visible_to(user: Any) -> list[ColumnElement]:
    """WHERE conditions over ``IndexedDocument`` joined with ``Project``: what ``user`` may find."""
    if getattr(user, "is_admin", False):
        return []
    if getattr(user, "is_authenticated", False):
        member_of = select(ProjectRole.project_id).where(ProjectRole.user_id == user.id)
        moderates = member_of.where(ProjectRole.role.in_([Role.INITIATOR.value, Role.MODERATOR.value]))
        project_visible = or_(Project.is_public.is_(True), Project.id.in_(member_of))
        may_moderate = IndexedDocument.project_id.in_(moderates)
    else:
        project_visible, may_moderate = Project.is_public.is_(True), false()
    within = aliased(IndexedDocument)
    hidden_within = exists().where(
        within.item_type == IndexedDocument.within_type, within.item_id == IndexedDocument.within_id,
        within.hidden.is_(True),
    )
    return [project_visible, or_(may_moderate, and_(IndexedDocument.hidden.is_(False), ~hidden_within))]
