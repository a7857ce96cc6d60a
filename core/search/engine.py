"""Matching and ranking: the one place that speaks each engine's full-text dialect.

``matching(select, query, dialect)`` adds the full-text table, the match
condition and returns the ranking to order by: FTS5's ``MATCH`` with ``bm25``
(title counts twice) on SQLite, ``@@`` with ``ts_rank`` on PostgreSQL. The
query text is always a bound parameter built by :mod:`.query`.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import column, table, text

from .models import FTS_TABLE, IndexedDocument
from .query import Query


def matching(statement: Any, query: Query, dialect: str) -> tuple[Any, Any]:
    """``statement`` joined with the full-text table and narrowed to matches; and the best-first ordering."""
    if dialect == "postgresql":
        fts = table(FTS_TABLE, column("document_id"), column("terms"))
        tsquery = f"to_tsquery('simple', :match)"
        condition = text(f"{FTS_TABLE}.terms @@ {tsquery}").bindparams(match=query.tsquery())
        rank = text(f"ts_rank({FTS_TABLE}.terms, {tsquery}) DESC").bindparams(match=query.tsquery())
        return statement.join(fts, fts.c.document_id == IndexedDocument.id).where(condition), rank
    fts = table(FTS_TABLE, column("rowid"))
    condition = text(f"{FTS_TABLE} MATCH :match").bindparams(match=query.fts5())
    rank = text(f"bm25({FTS_TABLE}, 2.0, 1.0)")
    return statement.join(fts, fts.c.rowid == IndexedDocument.id).where(condition), rank
