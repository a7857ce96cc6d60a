"""Do a plugin's revisions build exactly its models? The check behind ``assert_revisions_match_models``.

Why a check of its own: test apps build their empty databases with
``create_all`` (faster, see :func:`core.migrate.fresh_by_create_all`), which
matches the models by definition. A model that gained a column without a
revision therefore passes every other test, and breaks every deployment that
upgrades ("no such column"). This check runs on a database built the way a
deployment builds it, by replaying the revisions, and says in words what
differs::

    with app.app_context():          # app: an empty database, upgraded by replaying
        assert revision_problems(app, "townhall") == []

Plugin tests use the fixture of the same purpose in :mod:`core.testing`.
"""
from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from .extensions import db
from .migrate import build_config, owned_tables, recorded_branches, schema_differences
from .search.models import ENGINE_TABLES


def revision_problems(app, branch: str) -> list[str]:
    """What differs between the revisions of ``branch`` (a plugin, or ``"core"``) and its models; empty if nothing.

    Run inside ``app.app_context()`` on an app whose database was empty and
    then upgraded by replaying the revisions (``MIGRATIONS_FRESH_CREATE_ALL = False``).
    """
    script = ScriptDirectory.from_config(build_config(app))
    if not any(branch in rev.branch_labels for rev in script.walk_revisions()):
        return [
            f"{branch!r} has no revisions (no migrations/versions folder beside its models): "
            f"write its first one with `mitsprache db revision {branch} -m initial`"
        ]
    owners = owned_tables(app)
    problems = []
    with db.engine.connect() as connection:
        recorded = recorded_branches(script, MigrationContext.configure(connection).get_current_heads())
        head = script.get_revision(f"{branch}@head").revision
        if recorded.get(branch) != head:
            problems.append(f"the database is at {recorded.get(branch)!r}, not at the newest revision {head!r}")
        problems += [describe(change) for change in schema_differences(connection, owners.get(branch, []))]
        owned = {table.name for tables in owners.values() for table in tables}
        # The search engine's full-text tables are raw DDL beside the documents model (core/search/models.py).
        stray = set(inspect(connection).get_table_names()) - owned - {"alembic_version"} - ENGINE_TABLES
        problems += [f"table {name} is made by a revision, but no model has it" for name in sorted(stray)]
    return problems


def describe(change: Any) -> str:
    """One difference Alembic found (a step that would make the database match the models), in words."""
    if isinstance(change, list):  # modify_type, modify_nullable …: one list per column
        return "; ".join(describe(step) for step in change)
    kind = change[0]
    if kind in ("add_table", "remove_table"):
        return f"table {change[1].name} is {_where(kind)}"
    if kind in ("add_column", "remove_column"):
        return f"column {change[2]}.{change[3].name} is {_where(kind)}"
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        what = {"index": "index", "constraint": "constraint", "fk": "foreign key"}[kind.split("_", 1)[1]]
        item = change[1]
        return f"{what} {item.name or ''} on {item.table.name} ({_columns(item)}) is {_where(kind)}".replace("  ", " ")
    if kind.startswith("modify_"):
        _kind, _schema, table, column, _existing, old, new = change
        return f"column {table}.{column}: {kind[7:]} is {old!r} in the revisions, {new!r} in the model"
    return repr(change)


def _where(kind: str) -> str:
    if kind.startswith("add"):
        return "in the models, but no revision creates it"
    return "made by the revisions, but not in the models"


def _columns(item: Any) -> str:
    columns = getattr(item, "columns", None) or [element.parent for element in getattr(item, "elements", [])]
    return ", ".join(getattr(column, "name", str(column)) for column in columns)
