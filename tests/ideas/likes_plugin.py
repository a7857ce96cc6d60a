"""A tiny stand-in for the voting plugin: "likes" on ideas through the core's item hooks only.

It proves that the ideas list, idea page and export show what other plugins add
(fragments, sort options, export columns) without depending on the voting plugin.
"""
from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import ForeignKey, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core import hookimpl
from core.extensions import db
from core.registry import ExportColumn, SortOption

PLUGIN_NAME = "idealikes"


class Like(db.Model):
    __tablename__ = "idealikes_like"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas_idea.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))


def _counts(ids):
    rows = db.session.execute(select(Like.idea_id, func.count(Like.id)).where(Like.idea_id.in_(ids)).group_by(Like.idea_id))
    return dict(rows.all())


@hookimpl
def register_models():
    return [Like]


@hookimpl
def item_fragments(item_type, items, user):
    if item_type != "idea":
        return None
    counts = _counts([i.id for i in items])
    return {
        i.id: Markup('<button type="button" class="like-button">Like ({n})</button>').format(n=counts.get(i.id, 0))
        for i in items
    }


@hookimpl
def item_sort_options(item_type, project):
    if item_type != "idea":
        return []

    def expression(id_column):
        return select(func.count(Like.id)).where(Like.idea_id == id_column).correlate_except(Like).scalar_subquery()

    return [SortOption("liked", "Most liked", expression)]


@hookimpl
def export_columns(export_key, project):
    if export_key != "ideas":
        return []
    rows = db.session.execute(select(Like.idea_id, func.count(Like.id)).group_by(Like.idea_id))
    return [ExportColumn("likes", dict(rows.all()))]
