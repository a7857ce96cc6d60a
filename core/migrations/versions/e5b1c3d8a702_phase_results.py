"""phase results

Revision ID: e5b1c3d8a702
Revises: c7e2a91d4f10
Create Date: 2026-11-29 15:50:00.000000

The initiator's results of a phase (text, next steps, link, publication time):
one row per phase in a table of its own, so loading phases stays as light as before.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e5b1c3d8a702'
down_revision: Union[str, Sequence[str], None] = 'c7e2a91d4f10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('core_phase_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('next_steps_html', sa.Text(), nullable=False),
    sa.Column('link_url', sa.String(length=500), nullable=False),
    sa.Column('link_label', sa.String(length=200), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['phase_id'], ['core_phase.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['core_project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase_id')
    )
    with op.batch_alter_table('core_phase_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_phase_result_project_id'), ['project_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('core_phase_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_phase_result_project_id'))

    op.drop_table('core_phase_result')
