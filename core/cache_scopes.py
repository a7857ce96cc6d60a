"""Versions per thing that changed: which cached fragments a write makes outdated.

A *scope* is a path naming one thing readers see, e.g. the discussion of
paragraph 5 in chapter 3 of document 2 of project 7::

    p7/commenting.document:2/chapter:3/paragraph:5/comments/

Every write bumps the counters of the scopes its rows belong to, and a reader
asks for the *sum* of the counters under a prefix: ``p7/commenting.document:2/
chapter:3/`` changes when anything in chapter 3 changes (a paragraph, a comment
on one of its paragraphs), ``p7/commenting.document:2/`` when anything in the
document does. So a comment on paragraph A bumps one row, the row of A's
thread; the thread of paragraph B, the other chapters' bodies and every other
project keep their cached fragments, and no row is shared by all writers of a
project: writers queue only when they write to the very same thing.

Where scopes come from: a model declares them once, for rows of its table::

    class Comment(db.Model):
        @staticmethod
        def cache_scopes(row):                  # row: the ORM object, or a Core row
            return [item_scope(row.target_type, row.target_id, row.project_id) + "comments/"]

``cache_columns = ("display_name",)`` limits updates that count to those
columns, ``cache_inserts = False`` says a new row is shown nowhere yet; ``changes_no_content = True`` says the table's rows change nothing a
reader sees (a log, reports). Without a declaration a row with a
``project_id`` bumps ``p<id>/<table>/``. The core derives the bumps from every
ORM flush (inserted, changed and deleted objects, before and after a change)
*and* from Core ``insert``/``update``/``delete`` statements run through
``db.session.execute`` (rows of an update or delete are read just before it
runs), so no write can forget them. :func:`touch` is for the rare write the core
cannot see (a statement on a raw connection); :func:`bump_content_version`
outdates every page of a project at once.

Why a fragment is never served stale, with several processes each holding its
own memory cache: the counters live in the database (``core_cache_scope``) and
are bumped by the writing transaction itself, as its last statement before
COMMIT, so data and counter become visible together. A reader reads the
counters (one query for all scopes of a page, :func:`versions`) and renders from
data it reads *afterwards* (:mod:`core.cache` expires the objects the request
loaded earlier before it renders a miss). Each statement sees every transaction
committed before it began (READ COMMITTED on PostgreSQL, autocommit reads on
SQLite), so what a reader renders is at least as new as the counters in its
key: a write that commits between the counter query and the rendering at worst
puts *newer* HTML under the older key, which nobody asks for once the counter
moved. A fragment under the current counters therefore holds every committed
write. Counters only grow (rows are never deleted, not even with their
project, so a reused id cannot meet old counters) and sums of growing counters
never repeat. The bump takes its row locks last and in key order, so a
transaction waiting for one holds nothing another bump waits for: no deadlock.
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Iterable

from flask import current_app, g, has_app_context
from sqlalchemy import Delete, Insert, TextClause, Update, bindparam, event, inspect, select, text

from .clock import now
from .conflict_insert import conflict_insert
from .extensions import db
from .models import CacheScope

#: Every page that shows people's names depends on it: a changed display name bumps it.
PEOPLE = "people/"

_TOUCHED = "mitsprache_cache_scopes"
_MEMO = "_mitsprache_scope_versions"


def inbox_scope(user_id: int) -> str:
    """A person's own notifications: what the unread count in their site header shows."""
    return f"u{int(user_id)}/inbox/"


def project_scope(project_id: int, *parts: Any) -> str:
    """``p<id>/part/…/``: the prefix of everything (or of one thing) in a project."""
    return "".join(f"{part}/" for part in (f"p{project_id}", *parts))


def header_scope(project_id: int) -> str:
    """The project itself: title, description, phases (shown on every page of the project)."""
    return project_scope(project_id, "project")


def item_scope(item_type: str, item_id: int, project_id: int) -> str:
    """The scope of another plugin's item (a paragraph, an idea): its owner's ``ItemType.cache_scope``.

    Without one, ``p<project>/<type>:<id>/``. Comments on the item go below it
    (``…/comments/``), votes too (``…/votes/``), so readers of the item's page
    see them through the item's prefix.
    """
    item = current_app.extensions["mitsprache"].registry.item_types.get(item_type)
    below = item.cache_scope(int(item_id)) if item is not None and item.cache_scope is not None else None
    return project_scope(project_id, below.strip("/") if below else f"{item_type}:{int(item_id)}")


def touch(*scopes: str) -> None:
    """Mark ``scopes`` changed when the current transaction commits (for writes the core cannot see)."""
    db.session.info.setdefault(_TOUCHED, set()).update(scopes)


def bump_content_version(project: Any) -> None:
    """Mark every cached page of a project (a ``Project`` or its id) outdated when the transaction commits.

    Every page of a project reads its header scope, so this is the blunt tool
    for a write whose scopes are not declared; prefer ``cache_scopes`` on the model.
    """
    touch(header_scope(getattr(project, "id", project)))


def versions(scopes: Iterable[str]) -> dict[str, tuple[int, Any]]:
    """``{prefix: (sum of counters under it, last change)}`` for every prefix, in one query per request.

    Remembered for the rest of the request (until the request commits a write),
    so the fragments of one page share one round trip: pass all prefixes of a
    page to the first call.
    """
    memo = g.setdefault(_MEMO, {})
    missing = sorted(set(scopes) - memo.keys())
    if missing and not memo:
        missing += _reader_scopes()
    if missing:
        connection = db.session.connection()
        sql, order, convert = _versions_sql(connection.dialect, len(missing))
        # Plain SQL on the session's connection: every cached page runs this query, and SQLAlchemy's
        # statement and result handling cost more than the query itself. Its events still see it.
        rows = connection.exec_driver_sql(sql, _parameters(missing, order)).fetchall()
        memo.update(_read(rows, convert))
    return {prefix: memo[prefix] for prefix in scopes}


def _reader_scopes() -> list[str]:
    """What every page of a logged-in reader shows of their own (the unread count), read with the page's
    first versions query so that it costs no query of its own. Only when the request loaded the user anyway."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return [inbox_scope(user.id)]
    return []


def read_versions(engine, scopes: Iterable[str]) -> dict[str, tuple[int, Any]]:
    """:func:`versions` outside any request or session, on a connection straight from ``engine``'s pool.

    For :mod:`core.page_shortcut`, which answers in front of Flask, where
    SQLAlchemy's connection and result layers would cost twice the query. The
    statement runs outside a transaction (SQLite) or in a fresh one that ends
    when the connection goes back to the pool (PostgreSQL), so it sees every
    write committed before it. It goes by the DBAPI cursor, so SQLAlchemy's
    events (``core.testing.count_queries``) do not see it.
    """
    chosen = sorted(set(scopes))
    sql, order, convert = _versions_sql(engine.dialect, len(chosen))
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, _parameters(chosen, order))
            rows = cursor.fetchall()
        finally:
            cursor.close()
    finally:
        connection.close()
    return _read(rows, convert)


def _parameters(prefixes: list[str], order: tuple[str, ...] | None):
    params: dict[str, str] = {}
    for i, prefix in enumerate(prefixes):
        params[f"p{i}"], params[f"u{i}"] = prefix, _upper(prefix)
    return tuple(params[name] for name in order) if order is not None else params


def _read(rows, convert) -> dict[str, tuple[int, Any]]:
    return {prefix: (int(total), convert(changed) if convert is not None and changed is not None else changed)
            for prefix, total, changed in rows}


@lru_cache(maxsize=64)
def _versions_sql(dialect, count: int) -> tuple[str, tuple[str, ...] | None, Any]:
    """The versions query for ``count`` prefixes as the driver's SQL, its parameter order, and the converter
    of its ``changed`` column, worked out once per dialect and count (``lru_cache`` is thread-safe)."""
    compiled = _versions_statement(count).compile(dialect=dialect)
    order = tuple(compiled.positiontup) if compiled.positional else None
    changed = CacheScope.__table__.c.changed_at.type.dialect_impl(dialect)
    return str(compiled), order, changed.result_processor(dialect, None)


def _versions_statement(count: int) -> TextClause:
    """The versions query for ``count`` prefixes: the sum of the counters under each, and their last change."""
    table = CacheScope.__table__
    key, version, changed = (table.c[name].name for name in ("key", "version", "changed_at"))
    sql = " UNION ALL ".join(
        f"SELECT :p{i} AS prefix, COALESCE(SUM({version}), 0) AS total, MAX({changed}) AS changed "
        f"FROM {table.name} WHERE {key} >= :p{i} AND {key} < :u{i}"
        for i in range(count)
    )
    return text(sql)


def covering(scopes: Iterable[str]) -> tuple[str, ...]:
    """``scopes`` without those inside another of them: ``p1/doc:2/`` covers ``p1/doc:2/chapter:3/``.

    What changes under a prefix changes the sum of every prefix above it, so a
    whole page's version needs only the outermost ones, and its query reads
    each counter once.
    """
    chosen = sorted(set(scopes))
    return tuple(scope for scope in chosen if not any(scope != other and scope.startswith(other) for other in chosen))


def version_of(prefix: str) -> int:
    """One prefix's version: changes whenever anything under it does (e.g. a per-process memo of a project)."""
    return versions([prefix])[prefix][0]


def _upper(prefix: str) -> str:
    """The first key after every key starting with ``prefix`` (which ends in "/", followed by "0")."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --- which scopes a row belongs to ---------------------------------------------


def _scopes_of(model: type, row: Any) -> set[str]:
    if getattr(model, "changes_no_content", False):
        return set()
    declared = getattr(model, "cache_scopes", None)
    if declared is not None:
        return {scope for scope in declared(row) if scope}
    project_id = getattr(row, "project_id", None)
    return {project_scope(project_id, model.__tablename__)} if project_id is not None else set()


def _before_change(obj: Any) -> SimpleNamespace | None:
    """The object's column values before this flush changed them, or None when no column changed."""
    state = inspect(obj)
    watched = getattr(type(obj), "cache_columns", None)
    old, changed = {}, False
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes() and (watched is None or attr.key in watched):
            changed = True
        old[attr.key] = history.deleted[0] if history.deleted else getattr(obj, attr.key)
    return SimpleNamespace(**old) if changed else None


def _model_of(table) -> type | None:
    name = getattr(table, "name", None)  # by name: an ORM statement holds an annotated copy of the table
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == name:
            return mapper.class_
    return None


def _statement_rows(orm_execute_state, statement) -> list[Any]:
    """The rows a Core insert will add (from its values) or an update/delete will change (read first)."""
    table = statement.table
    if isinstance(statement, Insert):
        given = orm_execute_state.parameters
        blank = dict.fromkeys(table.c.keys())
        if given:  # insert(Model) with rows as parameters (ORM bulk insert, executemany)
            return [SimpleNamespace(**{**blank, **params}) for params in (given if isinstance(given, list) else [given])]
        compiled = statement.compile(dialect=orm_execute_state.session.get_bind().dialect).params  # .values(...)
        return [SimpleNamespace(**{**blank, **compiled})]
    where = statement.whereclause
    query = select(*table.c) if where is None else select(*table.c).where(where)
    with orm_execute_state.session.no_autoflush:
        return list(orm_execute_state.session.execute(query))


def _sets_watched_column(model: type, statement: Update) -> bool:
    """Whether a Core update sets a column in the model's ``cache_columns`` (or it has none, or we cannot tell)."""
    watched = getattr(model, "cache_columns", None)
    values = getattr(statement, "_values", None)  # what ``.values(...)`` set; None for executemany updates
    if watched is None or not values:
        return True
    return any(getattr(column, "key", column) in watched for column in values)


def track_changes(session_class) -> None:
    """Bump the scopes of every row a transaction writes, as its last statement before COMMIT."""

    @event.listens_for(session_class, "after_flush")
    def collect_flushed(session, _flush_context):
        touched = session.info.setdefault(_TOUCHED, set())
        for obj in session.new:
            if getattr(type(obj), "cache_inserts", True):
                touched |= _scopes_of(type(obj), obj)
        for obj in session.deleted:
            touched |= _scopes_of(type(obj), obj)
        for obj in session.dirty:
            old = _before_change(obj)
            if old is not None:
                touched |= _scopes_of(type(obj), obj) | _scopes_of(type(obj), old)

    @event.listens_for(session_class, "do_orm_execute")
    def collect_statement(orm_execute_state):
        statement = orm_execute_state.statement
        if not isinstance(statement, (Insert, Update, Delete)):
            return
        model = _model_of(statement.table)
        if model is None or getattr(model, "changes_no_content", False):
            return
        if isinstance(statement, Insert) and not getattr(model, "cache_inserts", True):
            return
        if isinstance(statement, Update) and not _sets_watched_column(model, statement):
            return
        touched = orm_execute_state.session.info.setdefault(_TOUCHED, set())
        for row in _statement_rows(orm_execute_state, statement):
            touched |= _scopes_of(model, row)

    @event.listens_for(session_class, "before_commit")
    def bump(session):
        session.flush()
        touched = session.info.pop(_TOUCHED, None)
        if touched:
            at = now()
            session.connection().execute(_bump_statement(session.get_bind().dialect.name),
                                         [{"key": key, "changed_at": at} for key in sorted(touched)])

    @event.listens_for(session_class, "after_commit")
    def forget_versions(session):
        if has_app_context():
            g.pop(_MEMO, None)  # this request wrote: the counters it read are old

    @event.listens_for(session_class, "after_rollback")
    def forget(session):
        session.info.pop(_TOUCHED, None)


@lru_cache(maxsize=4)
def _bump_statement(dialect_name: str):
    """``INSERT … ON CONFLICT DO UPDATE version = version + 1`` for one key, built once per dialect.

    Run with every touched key as parameters, in key order (two writers lock the same keys in
    the same order, so they never deadlock on PostgreSQL). It runs in every write transaction;
    building and compiling it on each commit cost more than running it.
    """
    table = CacheScope.__table__
    statement = conflict_insert(table, dialect_name).values(
        key=bindparam("key"), version=1, changed_at=bindparam("changed_at"))
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at},
    )
