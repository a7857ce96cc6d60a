"""The "comments" export (CSV/XLSX through the core): every comment of a project, streamed.

Rows name what a comment is about the way readers see it ("Idea" – "More
trees by the school"), never by table name and database id; the comment's
own number stays, because replies refer to it and the site shows it in links.
Titles are loaded per batch of comments, one query per batch and item type.
"""
from __future__ import annotations

from itertools import groupby, islice
from typing import Any, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.toolkit import Exporter, time_header

from .api import CommentRow, iter_comments
from .models import DELETED, HIDDEN, VISIBLE
from .targets import target_type as get_commentable

BATCH = 500


def status_labels() -> dict[str, str]:
    """A comment's moderation state as a word for people."""
    return {VISIBLE: _("visible"), HIDDEN: _("hidden"), DELETED: _("deleted")}


def iter_with_subjects(project_id: int) -> Iterator[tuple[CommentRow, str, str]]:
    """``(comment, item type label, item title)`` for every comment whose item type is still enabled.

    A comment on an item deleted since keeps its row with an empty title. The
    commenting plugin uses this for the comments on other plugins' items.
    """
    rows = iter_comments(project_id)
    while batch := list(islice(rows, BATCH)):
        titles: dict[tuple[str, int], str] = {}
        for type_name, group in groupby(batch, key=lambda row: row.target_type):
            item_type = get_commentable(type_name)
            if item_type is None:
                continue  # its plugin is disabled
            items = item_type.load(sorted({row.target_id for row in group}))
            titles.update({(type_name, ident): item_type.title_of(item) for ident, item in items.items()})
        labels = {}
        for row in batch:
            item_type = get_commentable(row.target_type)
            if item_type is None:
                continue
            if row.target_type not in labels:
                labels[row.target_type] = str(item_type.label)
            yield row, labels[row.target_type], titles.get((row.target_type, row.target_id), "")


def headers(project) -> list[Any]:
    return [
        _("Comment no."), _("Reply to comment no."), _("About"), _("Title"), _("Author"), _("Text"),
        time_header(_("Created")), time_header(_("Last edited")), _("Agreements"), _("Disagreements"),
        _("Moderation status"), _("Moderation reason"), _("Moderator remark"),
    ]


def rows(project) -> Iterator[list[Any]]:
    labels = status_labels()
    for row, about, title in iter_with_subjects(project.id):
        yield [
            row.id, row.parent_id, about, title, row.author_name, row.text, row.created_at, row.edited_at,
            row.agree, row.disagree, labels.get(row.status, row.status), row.moderation_reason or "",
            row.moderator_remark or "",
        ]


exporter = Exporter("comments", _l("Comments"), headers=headers, rows=rows)
