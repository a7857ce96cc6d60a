"""SQL expressions over comments shared by the thread view and the public API.

Kept apart so neither imports the other (the thread view needs vote counts for
its sort order, the API for its export rows).
"""
from __future__ import annotations

from sqlalchemy import func, select

from .models import Comment, Vote


def vote_count(value: int):
    """A correlated count of a comment's votes of ``value`` (agree or disagree)."""
    return (
        select(func.count(Vote.id))
        .where(Vote.comment_id == Comment.id, Vote.value == value)
        .correlate(Comment)
        .scalar_subquery()
    )
