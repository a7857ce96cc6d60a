"""The one place that talks to the ``comments`` plugin's public API.

Everything about comments (storage, forms, moderation, rating) belongs to the
``comments`` plugin; this plugin only says *what* can be commented on
(paragraphs and chapters) and asks for threads, counts and rows.
"""
from __future__ import annotations

import importlib
from typing import Any

from flask import current_app

PARAGRAPH = "paragraph"
CHAPTER = "chapter"


def api() -> Any:
    """The ``api`` module of the plugin registered as ``comments``."""
    plugin = current_app.extensions["mitsprache"].pm.get_plugin("comments")
    return importlib.import_module(f"{plugin.__name__}.api")


def thread_html(target_type: str, target_id: int, project, heading_level: int = 2):
    try:
        return api().thread_html(target_type, target_id, project, heading_level=heading_level)
    except TypeError:  # an API without heading levels
        return api().thread_html(target_type, target_id, project)


def thread_url(target_type: str, target_id: int) -> str:
    return api().thread_url(target_type, target_id)


def counts(target_type: str, ids) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    return api().comment_counts(target_type, ids)


def iter_comments(project_id: int, target_type: str | None = None):
    return api().iter_comments(project_id, target_type)


def comments_per_day(project_id: int, target_type: str | None = None):
    return api().comments_per_day(project_id, target_type)


def add_comment(*args, **kwargs):
    return api().add_comment(*args, **kwargs)


def count_all(chapter_ids, paragraph_ids) -> int:
    """Comments on these chapters and paragraphs together (as the comments plugin counts them)."""
    return sum(counts(CHAPTER, chapter_ids).values()) + sum(counts(PARAGRAPH, paragraph_ids).values())
