"""site search

Revision ID: 5d3f0a9b7c21
Revises: e5b1c3d8a702
Create Date: 2026-12-02 10:00:00.000000

The site search's documents table and, beside it, the engine's full-text table:
FTS5 on SQLite, a tsvector with a GIN index on PostgreSQL (raw DDL, see
core/search/models.py). Existing content is indexed by
``mitsprache search reindex``.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5d3f0a9b7c21'
down_revision: Union[str, Sequence[str], None] = 'e5b1c3d8a702'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_search_fts USING fts5(title, body, "
    "tokenize = 'unicode61 remove_diacritics 2')",
]
POSTGRES_DDL = [
    "CREATE TABLE IF NOT EXISTS core_search_fts (document_id INTEGER PRIMARY KEY "
    "REFERENCES core_search_document (id) ON DELETE CASCADE, terms TSVECTOR NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_core_search_fts_terms ON core_search_fts USING GIN (terms)",
]


def upgrade() -> None:
    op.create_table(
        'core_search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_type', sa.String(length=40), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('within_type', sa.String(length=40), nullable=True),
        sa.Column('within_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['core_project.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_type', 'item_id', name='uq_core_search_document_item'),
    )
    op.create_index('ix_core_search_document_within', 'core_search_document', ['within_type', 'within_id'])
    op.create_index(op.f('ix_core_search_document_project_id'), 'core_search_document', ['project_id'])
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_DDL if dialect == 'postgresql' else SQLITE_DDL:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS core_search_fts")
    op.drop_index(op.f('ix_core_search_document_project_id'), table_name='core_search_document')
    op.drop_index('ix_core_search_document_within', table_name='core_search_document')
    op.drop_table('core_search_document')
