"""Writing documents into the index and taking them out, on SQLite (FTS5) or PostgreSQL (tsvector).

Every function takes the SQLAlchemy ``connection`` of the caller's transaction,
so a document changes together with the item it describes, or not at all::

    write(connection, "idea", 7, SearchDocument(project_id=3, title="Mehr Bäume", text="…"))
    remove(connection, "idea", 7)

Both are safe when two transactions index the same item at once: the document
row is an upsert on ``(item_type, item_id)`` and the full-text row is keyed by
the document's id.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, delete, select, text

from ..conflict_insert import conflict_insert
from ..registry import SearchDocument
from ..sanitize import plain_text
from .models import FTS_TABLE, IndexedDocument
from .stemming import index_text

TABLE = IndexedDocument.__table__


def body_of(document: SearchDocument) -> str:
    """The document's plain body: its text, then its HTML without tags."""
    parts = [document.text or "", plain_text(document.html) if document.html else ""]
    return "\n".join(part for part in parts if part.strip())


def write(connection, item_type: str, item_id: int, document: SearchDocument) -> None:
    """Index (or re-index) one item."""
    within_type, within_id = document.within or (None, None)
    values = {
        "item_type": item_type, "item_id": item_id, "project_id": document.project_id,
        "title": document.title or "", "body": body_of(document), "hidden": bool(document.hidden),
        "within_type": within_type, "within_id": within_id,
    }
    document_id = connection.execute(_upsert(connection.dialect.name), values).scalar_one()
    title, body = index_text(values["title"]), index_text(values["body"])
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE} (document_id, terms) VALUES (:id, "
                 "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :body), 'B')) "
                 "ON CONFLICT (document_id) DO UPDATE SET terms = excluded.terms"),
            {"id": document_id, "title": title, "body": body},
        )
        return
    connection.execute(text(f"INSERT OR REPLACE INTO {FTS_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
                       {"id": document_id, "title": title, "body": body})


_COLUMNS = ("item_type", "item_id", "project_id", "title", "body", "hidden", "within_type", "within_id")


@lru_cache(maxsize=4)
def _upsert(dialect_name: str):
    """The document upsert with bound parameters, built once per dialect.

    It runs in the writer's transaction on every indexed write (each comment),
    and building the statement cost more than running it. A statement with bound
    parameters is a fixed construct, shared by all threads.
    """
    statement = conflict_insert(TABLE, dialect_name).values({key: bindparam(key) for key in _COLUMNS})
    return statement.on_conflict_do_update(
        index_elements=["item_type", "item_id"],
        set_={key: statement.excluded[key] for key in _COLUMNS if key not in ("item_type", "item_id")},
    ).returning(TABLE.c.id)


def remove(connection, item_type: str, item_ids: list[int]) -> None:
    """Take items out of the index (those not in it are ignored)."""
    if not item_ids:
        return
    found = select(TABLE.c.id).where(TABLE.c.item_type == item_type, TABLE.c.item_id.in_(list(item_ids)))
    ids = list(connection.execute(found).scalars())
    if not ids:
        return
    if connection.dialect.name != "postgresql":  # PostgreSQL's rows go with the document (ON DELETE CASCADE)
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(str(int(i)) for i in ids)})"))
    connection.execute(delete(TABLE).where(TABLE.c.id.in_(ids)))


def forget_orphans(connection) -> None:
    """Drop full-text rows whose document is gone (a project deleted by the database's own cascade)."""
    if connection.dialect.name != "postgresql":
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {TABLE.name})"))
