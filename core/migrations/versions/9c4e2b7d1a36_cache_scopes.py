"""cache scopes

Revision ID: 9c4e2b7d1a36
Revises: 5d3f0a9b7c21
Create Date: 2026-12-01 10:00:00.000000

A version counter per thing readers see (core/cache_scopes.py) instead of one
per project: ``core_project.content_version`` goes, so writers of a project no
longer queue on the project's row.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '9c4e2b7d1a36'
down_revision: Union[str, Sequence[str], None] = '5d3f0a9b7c21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('core_cache_scope',
    sa.Column('key', sa.String(length=255).with_variant(sa.String(length=255, collation='C'), 'postgresql'),
              nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('core_project') as batch_op:
        batch_op.drop_column('content_version')


def downgrade() -> None:
    with op.batch_alter_table('core_project') as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='0', nullable=False))
    op.drop_table('core_cache_scope')
