"""``INSERT … ON CONFLICT`` on SQLite and PostgreSQL alike.

SQLAlchemy's generic ``insert`` has no ``ON CONFLICT``; each dialect's own
``insert`` has ``on_conflict_do_nothing`` and ``on_conflict_do_update`` with
the same arguments. Concurrent writers that may insert the same row (a follow,
a vote, a cache counter, a search document) use this instead of reading first::

    statement = conflict_insert(Follow).values(user_id=…, project_id=…)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "project_id"]))
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def conflict_insert(table: Any, dialect_name: str | None = None):
    """An insert of ``table`` (a model or a Table) for the database in use (or ``dialect_name``)."""
    name = dialect_name or db.session.get_bind().dialect.name
    return (postgresql if name == "postgresql" else sqlite).insert(table)
