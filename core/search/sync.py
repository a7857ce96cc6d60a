"""Keeping the index current: every write through the session re-indexes what it touched.

Plugins declare a :class:`~core.registry.SearchSource` per model and write
their rows as they always do; nothing in a view or service mentions the index.
The core listens on each declared model:

- inserts, updates and deletes of objects are collected while the session
  flushes and indexed right after, in the same transaction
  (``after_flush``), so the index never shows what was rolled back;
- bulk ``update(Model)`` and ``delete(Model)`` statements run through the
  session (a deleted account's comments are blanked that way) re-index the rows
  they matched (``do_orm_execute``).

The listeners are attached to the model classes once per process, guarded by
``event.contains``; which sources apply is read from the current app's
registry, so a model of a plugin the app has not enabled is left alone.
Deletes the database does by itself (``ON DELETE CASCADE``) reach no listener:
such documents are skipped when results are loaded, and ``mitsprache search
reindex`` removes them.
"""
from __future__ import annotations

from typing import Any, Iterable

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session

from ..registry import SearchSource
from . import index

PENDING = "core.search.pending"


def sources_for(model: type) -> list[SearchSource]:
    """The current app's search sources whose model is ``model`` (or a parent class of it)."""
    if not has_app_context():
        return []
    state = current_app.extensions.get("mitsprache")
    if state is None:
        return []
    return [source for source in state.registry.search_sources.values() if issubclass(model, source.model)]


def ident_of(item: Any) -> int:
    """The item's primary key, also in the middle of the flush that gave it one (before it has an identity)."""
    return inspect(item).mapper.primary_key_from_instance(item)[0]


def index_items(connection, source: SearchSource, items: Iterable[Any]) -> int:
    """Write each item's document (or remove it when ``document`` says None); returns how many are indexed."""
    written, gone = 0, []
    for item in items:
        document = source.document(item)
        ident = ident_of(item)
        if document is None:
            gone.append(ident)
        else:
            index.write(connection, source.type, ident, document)
            written += 1
    index.remove(connection, source.type, gone)
    return written


def _note(_mapper, _connection, target, *, deleted: bool = False) -> None:
    session = object_session(target)
    if session is None or not sources_for(type(target)):
        return
    pending = session.info.setdefault(PENDING, {})
    pending[(type(target), ident_of(target))] = None if deleted else target


def _noted_change(mapper, connection, target) -> None:
    _note(mapper, connection, target)


def _noted_delete(mapper, connection, target) -> None:
    _note(mapper, connection, target, deleted=True)


def _after_flush(session: Session, _flush_context) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for (model, ident), target in pending.items():
        for source in sources_for(model):
            if target is None:
                index.remove(connection, source.type, [ident])
            else:
                index_items(connection, source, [target])


def _bulk_write(orm_execute_state) -> Any:
    """Re-index the rows a bulk ``update()``/``delete()`` on a source model matches."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return None
    mapper = orm_execute_state.bind_mapper
    sources = sources_for(mapper.class_) if mapper is not None else []
    if not sources:
        return None
    session = orm_execute_state.session
    model = mapper.class_
    key = mapper.primary_key[0]
    matched = select(key)
    if orm_execute_state.statement.whereclause is not None:
        matched = matched.where(orm_execute_state.statement.whereclause)
    ids = list(session.execute(matched).scalars())
    result = orm_execute_state.invoke_statement()
    if ids:
        connection = session.connection()
        for source in sources:
            if orm_execute_state.is_delete:
                index.remove(connection, source.type, ids)
            else:
                fresh = session.scalars(select(model).where(key.in_(ids)).execution_options(populate_existing=True))
                index_items(connection, source, list(fresh))
    return result


def listen(model: type) -> None:
    """Keep the index current for ``model``'s rows (idempotent: listeners are attached once per process)."""
    for name, handler in (("after_insert", _noted_change), ("after_update", _noted_change),
                          ("after_delete", _noted_delete)):
        if not event.contains(model, name, handler):
            event.listen(model, name, handler, propagate=True)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "do_orm_execute", _bulk_write):
        event.listen(Session, "do_orm_execute", _bulk_write)


def reindex(session: Session, sources: Iterable[SearchSource]) -> dict[str, int]:
    """Rebuild the index for ``sources`` from their rows; returns how many documents each has now."""
    connection = session.connection()
    counts = {}
    for source in sources:
        rows = source.rows() if source.rows is not None else select(source.model)
        known = set(connection.execute(select(index.TABLE.c.item_id).where(index.TABLE.c.item_type == source.type))
                    .scalars())
        items = list(session.scalars(rows))
        found = {ident_of(item) for item in items}
        index.remove(connection, source.type, sorted(known - found))
        counts[source.type] = index_items(connection, source, items)
    index.forget_orphans(connection)
    return counts
