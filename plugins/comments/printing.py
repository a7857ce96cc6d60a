"""Discussions for a printed record (a council's file): every item's comments in reading order, one query.

The ``item_print_sections`` hook hands over all items of a page at once (every
paragraph of a draft); :func:`print_sections` loads their comments with their
authors in one query and renders each item's discussion as plain reading HTML::

    sections = print_sections("paragraph", paragraphs)   # {paragraph.id: Markup}

Reading order: top-level comments oldest first (a file reads as the discussion
went), each reply indented under the comment it answers, oldest first. What
the normal pages leave out is left out here too: a deleted comment and a
hidden one show no text; they appear only as a placeholder ("This comment was
deleted.") when replies that are shown hang below them, so those keep their
context. Hidden text is never printed, not even for moderators: a printout
leaves the site and is read by people who never had that role.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import db

from .models import VISIBLE, Comment
from .targets import target_type, visible_to_reader


@dataclass
class PrintedComment:
    """A comment and the replies printed under it."""

    comment: Comment
    replies: list["PrintedComment"] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        """Whether its text is printed (visible), as opposed to a placeholder for its replies' sake."""
        return self.comment.status == VISIBLE


def print_sections(item_type: str, items: Iterable[Any]) -> dict[int, Markup]:
    """``{item.id: Markup}`` for the items with comments to print; nothing for types nobody discusses."""
    commentable = target_type(item_type)
    if commentable is None:
        return {}
    ids = [item.id for item in items if visible_to_reader(commentable, item)]
    threads = threads_of(item_type, ids)
    return {item_id: Markup(render_template("comments/_print.html", roots=roots))
            for item_id, roots in threads.items() if roots}


def threads_of(item_type: str, ids: list[int]) -> dict[int, list[PrintedComment]]:
    """Each target's printable comment trees, oldest first at every level, from one query."""
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.target_type == item_type, Comment.target_id.in_(ids))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    nodes = {comment.id: PrintedComment(comment) for comment in rows}
    roots: dict[int, list[PrintedComment]] = {item_id: [] for item_id in ids}
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        if parent is not None:
            parent.replies.append(node)
        elif node.comment.parent_id is None:
            roots[node.comment.target_id].append(node)
    return {item_id: _pruned(trees) for item_id, trees in roots.items()}


def _pruned(nodes: list[PrintedComment]) -> list[PrintedComment]:
    """Drop what prints nothing: a hidden or deleted comment stays only as the place its shown replies hang."""
    kept = []
    for node in nodes:
        node.replies = _pruned(node.replies)
        if node.shown or node.replies:
            kept.append(node)
    return kept
