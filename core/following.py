"""Who follows which project: started by a person's first contribution, ended by their "Unfollow".

A plugin calls :func:`follow` where it stores a contribution, in the same
transaction, before it commits::

    from core.toolkit import follow

    db.session.add(idea)
    follow(current_user, project)      # nothing happens if they follow already, or unfollowed once
    db.session.commit()

Following is a plain ``INSERT … ON CONFLICT DO NOTHING`` on ``core_follow``
(unique per person and project), so two contributions sent at once never fail
on a duplicate and never roll back the contribution. A person who pressed
"Unfollow" keeps their row with ``unfollowed_at`` set: the next contribution
finds it and leaves it alone, so "unfollow" means what it says. Only the
"Follow" button (:func:`set_following`) follows again.

Core statements, not ORM objects. Following changes nothing readers see:
``Follow`` declares ``changes_no_content``, so it outdates no cached page
(:mod:`core.cache_scopes`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update

from .clock import now
from .conflict_insert import conflict_insert
from .extensions import db
from .models import Follow, Project


def _id(thing: Any) -> int:
    """An id from a row object or the id itself (write paths often hold only ``user_id``)."""
    return int(getattr(thing, "id", thing))


def follow(user: Any, project: Any) -> None:
    """``user`` follows ``project`` from now on, unless they follow already or once chose to unfollow it.

    ``user`` and ``project`` may be rows or ids. Runs in the caller's
    transaction and does not commit.
    """
    # No autoflush: the contribution waiting in the session is flushed by the caller's commit, inside
    # the caller's own handling of a duplicate (a form sent twice), not here.
    with db.session.no_autoflush:
        db.session.execute(_follow_statement(db.session.get_bind().dialect.name),
                           {"user": _id(user), "project": _id(project), "at": now()})


@lru_cache(maxsize=4)
def _follow_statement(dialect_name: str):
    """The follow upsert, built once per dialect: it runs with every contribution."""
    return (
        conflict_insert(Follow, dialect_name)
        .values(user_id=bindparam("user"), project_id=bindparam("project"), created_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["user_id", "project_id"])
    )


def set_following(user: Any, project: Any, following: bool) -> None:
    """The "Follow"/"Unfollow" button: follow again, or stop following. Does not commit."""
    follow(user, project)
    db.session.execute(
        update(Follow)
        .where(Follow.user_id == _id(user), Follow.project_id == _id(project))
        .values(unfollowed_at=None if following else now())
        .execution_options(synchronize_session=False)
    )


def is_following(user: Any, project: Any) -> bool:
    """Whether ``user`` (logged in) follows ``project``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(
        select(Follow.id).where(Follow.user_id == user.id, Follow.project_id == _id(project),
                                Follow.unfollowed_at.is_(None))
    ) is not None


def followed_projects(user: Any) -> list[Project]:
    """The projects ``user`` follows, most recently followed first."""
    return list(db.session.scalars(
        select(Project).join(Follow, Follow.project_id == Project.id)
        .where(Follow.user_id == _id(user), Follow.unfollowed_at.is_(None))
        .order_by(Follow.created_at.desc(), Follow.id.desc())
    ))


def follower_ids(project: Any) -> list[int]:
    """The ids of the people following ``project`` (for notifications about it)."""
    return list(db.session.scalars(
        select(Follow.user_id).where(Follow.project_id == _id(project), Follow.unfollowed_at.is_(None))
        .order_by(Follow.user_id)
    ))
