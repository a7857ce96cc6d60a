"""The one place where the ideas plugin talks to the comments plugin (``plugins.comments.api``).

Everything comments-specific goes through these functions, so a change in the
comments API is fixed here only.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

TARGET = "idea"


def _api():
    from plugins.comments import api

    return api


def phase_bound(action: str, obj, project, *, kinds, models):
    """Ideas (and comments on them) are discussed only during the plugin's own phase kinds."""
    return _api().phase_bound(action, obj, project, kinds=kinds, types={TARGET}, models=models)


def thread_html(idea) -> Markup:
    """The full discussion widget under an idea."""
    return _api().thread_html(TARGET, idea.id, idea.project)


def comment_counts(ids) -> dict[int, int]:
    """{idea id: number of comments}, in one query."""
    ids = list(ids)
    if not ids:
        return {}
    return _api().comment_counts(TARGET, ids)


def comment_count_expression(id_column) -> Any:
    """A correlated SQL expression counting an idea's comments, for "most discussed" sorting."""
    return _api().comment_count_expression(TARGET, id_column)


def add_comment(idea, author, text, parent=None, created_at=None):
    """Demo content and tests: a comment under ``idea``."""
    return _api().add_comment(TARGET, idea.id, idea.project, author, text, parent=parent, created_at=created_at)


def delete_thread(idea) -> None:
    """When an author withdraws an idea, its discussion goes too."""
    _api().delete_comments(TARGET, idea.id)
