"""Full-text search of the catalogues with German stemming: one interface, two engines.

::

    from plugins.matchmaking.search import search

    search("challenge", "ältere Menschen digital", project_id=3)
    # [Hit(id=12, score=7.31), Hit(id=4, score=2.05), …]   best first
    search("initiative", challenge_text, project_id=3, mode="any", limit=50)

- SQLite: an FTS5 table ``matchmaking_search``; documents and queries are
  stemmed in Python (the core's Snowball German stemmer, ``core.toolkit.stem_words``), ranked by ``bm25`` (title counts twice);
  the score is ``-bm25`` so that higher is better, as on PostgreSQL.
- PostgreSQL: a table ``matchmaking_search`` with a ``tsvector`` column
  (``to_tsvector('german', …)``, title weighted A, body B) and a GIN index,
  ranked by ``ts_rank``.

``mode="all"`` (a person's search box) wants every word, each also as a prefix;
``mode="any"`` (text relevance for recommendations) ranks documents with any of
the words. The index is kept in sync by mapper events on insert, update and
delete of :class:`.models.Challenge` and :class:`.models.Initiative`, in the
same transaction. The plugin's migration creates the table; for databases made
by ``create_all`` (tests), :func:`install` creates it after the challenge table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import event, text

from core.toolkit import db, stem
from core.toolkit import stem_words as words

KINDS = {"challenge": 0, "initiative": 1}
TABLE = "matchmaking_search"
MAX_QUERY_WORDS = 64
_PG_WORD = re.compile(r"\w+", re.UNICODE)

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "kind UNINDEXED, item_id UNINDEXED, project_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES_DDL = [
    f"CREATE TABLE IF NOT EXISTS {TABLE} (kind VARCHAR(20) NOT NULL, item_id INTEGER NOT NULL, "
    "project_id INTEGER NOT NULL, document TSVECTOR NOT NULL, PRIMARY KEY (kind, item_id))",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING GIN (document)",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_project ON {TABLE} (project_id, kind)",
]


@dataclass(frozen=True)
class Hit:
    id: int
    score: float


def ddl(dialect: str) -> list[str]:
    return POSTGRES_DDL if dialect == "postgresql" else SQLITE_DDL


def _rowid(kind: str, item_id: int) -> int:
    return item_id * len(KINDS) + KINDS[kind]


def document(kind: str, item) -> tuple[str, str]:
    """The title and body an item is found by."""
    if kind == "challenge":
        return item.title or "", "\n".join([item.description or "", item.tried or ""])
    return item.name or "", "\n".join([item.summary or "", item.description or "", item.references or ""])


def write(connection, kind: str, item) -> None:
    """Index (or re-index) one item on ``connection``, inside the caller's transaction."""
    title, body = document(kind, item)
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                f"INSERT INTO {TABLE} (kind, item_id, project_id, document) VALUES (:kind, :id, :project, "
                "setweight(to_tsvector('german', :title), 'A') || setweight(to_tsvector('german', :body), 'B')) "
                "ON CONFLICT (kind, item_id) DO UPDATE SET project_id = excluded.project_id, document = excluded.document"
            ),
            {"kind": kind, "id": item.id, "project": item.project_id, "title": title, "body": body},
        )
        return
    rowid = _rowid(kind, item.id)
    connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :rowid"), {"rowid": rowid})
    connection.execute(
        text(f"INSERT INTO {TABLE} (rowid, kind, item_id, project_id, title, body) "
             "VALUES (:rowid, :kind, :id, :project, :title, :body)"),
        {"rowid": rowid, "kind": kind, "id": item.id, "project": item.project_id,
         "title": " ".join(words(title)), "body": " ".join(words(body))},
    )


def remove(connection, kind: str, item_id: int) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DELETE FROM {TABLE} WHERE kind = :kind AND item_id = :id"), {"kind": kind, "id": item_id})
    else:
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :rowid"), {"rowid": _rowid(kind, item_id)})


def _sqlite_match(query: str, mode: str) -> str:
    stems = list(dict.fromkeys(s for s in words(query) if s))[:MAX_QUERY_WORDS]
    if mode == "any":
        return " OR ".join(f'"{s}"' for s in stems)
    return " AND ".join(f'"{s}"*' for s in stems)


def _pg_tsquery(query: str, mode: str) -> str:
    raw = list(dict.fromkeys(w.lower() for w in _PG_WORD.findall(query or "")))[:MAX_QUERY_WORDS]
    if mode == "any":
        return " | ".join(raw)
    return " & ".join(f"{w}:*" for w in raw)


def search(kind: str, query: str, *, project_id: int | None = None, mode: str = "all",
           limit: int | None = None) -> list[Hit]:
    """Items of ``kind`` ("challenge" or "initiative") matching ``query``, best first, with their scores.

    Scores are comparable within one call only (bm25 on SQLite, ts_rank on
    PostgreSQL). Ids of items deleted by a cascade from outside the ORM may
    remain in the index until re-indexed; callers look items up by id anyway.
    """
    if kind not in KINDS or not (query or "").strip():
        return []
    connection = db.session.connection()
    project_clause = "AND project_id = :project" if project_id is not None else ""
    limit_clause = "LIMIT :limit" if limit else ""
    params = {"kind": kind, "project": project_id, "limit": limit}
    if connection.dialect.name == "postgresql":
        params["q"] = _pg_tsquery(query, mode)
        if not params["q"]:
            return []
        rows = connection.execute(
            text(
                f"SELECT item_id, ts_rank(document, q) AS score FROM {TABLE}, to_tsquery('german', :q) AS q "
                f"WHERE kind = :kind {project_clause} AND document @@ q ORDER BY score DESC, item_id {limit_clause}"
            ),
            params,
        )
    else:
        params["q"] = _sqlite_match(query, mode)
        if not params["q"]:
            return []
        rows = connection.execute(
            text(
                f"SELECT item_id, -bm25({TABLE}, 0, 0, 0, 2.0, 1.0) AS score FROM {TABLE} "
                f"WHERE {TABLE} MATCH :q AND kind = :kind {project_clause} ORDER BY score DESC, item_id {limit_clause}"
            ),
            params,
        )
    return [Hit(int(item_id), float(score)) for item_id, score in rows]


def reindex(project_id: int | None = None) -> int:
    """Rebuild the index of one project (or all); returns the number of items indexed."""
    from .models import Challenge, Initiative

    connection = db.session.connection()
    count = 0
    for kind, model in (("challenge", Challenge), ("initiative", Initiative)):
        query = db.select(model)
        if project_id is not None:
            query = query.where(model.project_id == project_id)
        for item in db.session.scalars(query):
            write(connection, kind, item)
            count += 1
    return count


def _create(target, connection, **_kw) -> None:
    for statement in ddl(connection.dialect.name):
        connection.execute(text(statement))


def _drop(target, connection, **_kw) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def install() -> None:
    """Keep the index in sync with the models, and create it beside the tables ``create_all`` makes. Idempotent."""
    from .models import Challenge, Initiative

    if getattr(install, "done", False):
        return
    install.done = True
    event.listen(Challenge.__table__, "after_create", _create)
    event.listen(Challenge.__table__, "before_drop", _drop)
    for kind, model in (("challenge", Challenge), ("initiative", Initiative)):
        event.listen(model, "after_insert", lambda mapper, connection, item, kind=kind: write(connection, kind, item))
        event.listen(model, "after_update", lambda mapper, connection, item, kind=kind: write(connection, kind, item))
        event.listen(model, "after_delete", lambda mapper, connection, item, kind=kind: remove(connection, kind, item.id))


__all__ = ["Hit", "search", "reindex", "stem"]
