"""The search index's tables: one row per searchable thing, and the engine's full-text table beside it.

``core_search_document`` is an ordinary table (a model, checked against the
revisions like every other): what was found, where it belongs (``project_id``),
who may see it (``hidden``: only the project's moderators; ``within_type`` and
``within_id``: the item it discusses, whose own ``hidden`` hides it too), and the
plain title and body the result page shows snippets from.

The full-text part depends on the database, so it is raw DDL and no model
(:data:`ENGINE_TABLES` tells the revision check so):

- SQLite: an FTS5 table ``core_search_fts`` whose rowid is the document's id,
  holding the stems of title and body (:mod:`.stemming`), ranked by ``bm25``;
- PostgreSQL: ``core_search_fts`` with a ``tsvector`` of the same stems (title
  weighted A, body B, the ``simple`` configuration so both engines find exactly
  the same) and a GIN index, ranked by ``ts_rank``.

Both engines get the same stems from Python, so a search finds the same
documents on either.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

FTS_TABLE = "core_search_fts"
#: Tables the engine makes beside the models: FTS5's virtual table and its shadow tables, or the tsvector table.
ENGINE_TABLES = frozenset({FTS_TABLE} | {f"{FTS_TABLE}_{part}" for part in ("config", "content", "data", "docsize", "idx")})

SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES_DDL = [
    f"CREATE TABLE IF NOT EXISTS {FTS_TABLE} (document_id INTEGER PRIMARY KEY "
    "REFERENCES core_search_document (id) ON DELETE CASCADE, terms TSVECTOR NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{FTS_TABLE}_terms ON {FTS_TABLE} USING GIN (terms)",
]


class IndexedDocument(db.Model):
    """One searchable thing (a project, a paragraph, an idea, a comment) as the index knows it."""

    __tablename__ = "core_search_document"
    __table_args__ = (
        UniqueConstraint("item_type", "item_id", name="uq_core_search_document_item"),
        Index("ix_core_search_document_within", "within_type", "within_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    within_type: Mapped[str | None] = mapped_column(String(40))
    within_id: Mapped[int | None] = mapped_column(Integer)


SEARCH_MODELS = [IndexedDocument]


def engine_ddl(dialect: str) -> list[str]:
    """The statements that make the full-text table on this database."""
    return POSTGRES_DDL if dialect == "postgresql" else SQLITE_DDL


def _create_engine_table(_table, connection, **_kw) -> None:
    for statement in engine_ddl(connection.dialect.name):
        connection.execute(text(statement))


def _drop_engine_table(_table, connection, **_kw) -> None:
    connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


# Databases made by ``create_all`` (tests) get the full-text table with the documents table;
# migrated ones get it from the core revision that makes both.
event.listen(IndexedDocument.__table__, "after_create", _create_engine_table)
event.listen(IndexedDocument.__table__, "before_drop", _drop_engine_table)
