"""project organisation

Revision ID: c7e2a91d4f10
Revises: 32a5dfa434b4
Create Date: 2026-12-01 10:00:00.000000

The organisation a project names under its official responses; empty for the
projects there are, which then name the deployment's organisation or site name.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'c7e2a91d4f10'
down_revision: Union[str, Sequence[str], None] = '32a5dfa434b4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('core_project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('core_project', schema=None) as batch_op:
        batch_op.drop_column('organisation')
