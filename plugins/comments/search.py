"""Comments in the site search: their text, never a deleted one; a hidden one only for moderators.

A comment belongs to the item it discusses (``within``), so when the owner's
moderators hide that item (an idea), its comments are no longer found either.
Results name the discussed item ("Comment on: Mehr Bäume"), loaded once per
type for the whole page.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import SearchDocument, SearchSource, db

from .models import DELETED, HIDDEN, Comment
from .targets import target_type


@dataclass(frozen=True)
class Found:
    """A comment as a search result, with the title of what it discusses."""

    comment: Comment
    target_title: str

    @property
    def project(self) -> Any:
        return self.comment.project


def document(comment: Comment) -> SearchDocument | None:
    if comment.status == DELETED:
        return None
    return SearchDocument(comment.project_id, text=comment.text, hidden=comment.status == HIDDEN,
                          within=(comment.target_type, comment.target_id))


def load(ids: list[int]) -> dict[int, Found]:
    comments = list(db.session.scalars(
        select(Comment).options(joinedload(Comment.project)).where(Comment.id.in_(list(ids)))
    ))
    wanted: dict[str, set[int]] = {}
    for comment in comments:
        wanted.setdefault(comment.target_type, set()).add(comment.target_id)
    targets = {}
    for name, target_ids in wanted.items():
        item_type = target_type(name)
        if item_type is not None:
            for ident, item in item_type.load(sorted(target_ids)).items():
                targets[(name, ident)] = item_type.title_of(item)
    return {c.id: Found(c, targets.get((c.target_type, c.target_id), "")) for c in comments}


def url(found: Found) -> str:
    return url_for("comments.comment_page", comment_id=found.comment.id) + f"#comment-{found.comment.id}"


def title(found: Found) -> str:
    if not found.target_title:
        return ""
    return _("Comment on: %(title)s", title=found.target_title)


SOURCE = SearchSource("comment", _l("Comment"), Comment, document=document, load=load, url=url, title=title,
                      plural=_l("Comments"))
