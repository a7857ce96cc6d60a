"""thread count index

Revision ID: 5d1e7a9c2b40
Revises: 3202135102ba
Create Date: 2026-11-30 02:45:00

A thread's comment count filters on status; with status in the index the count
reads the index alone instead of every comment row of a busy thread.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '5d1e7a9c2b40'
down_revision: Union[str, Sequence[str], None] = '3202135102ba'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_comments_comment_target_status", "comments_comment",
                    ["target_type", "target_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_comments_comment_target_status", table_name="comments_comment")
