"""Single comments as one of the core's item types, so other plugins can act on a comment by itself.

The organisation answers a comment officially (the responses plugin, ``offers={"responses"}``)
and its author is told (``owner``). Comments still discuss other plugins' items; a comment
is not itself discussed (replies are part of its thread), so it does not offer "comments".
"""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import ItemType, _l, db, excerpt, item_scope, url_for

from .models import HIDDEN, VISIBLE, Comment

TYPE = "comment"


def load_comments(ids) -> dict[int, Comment]:
    """{id: Comment} with each comment's project, in one query."""
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    rows = db.session.scalars(select(Comment).options(joinedload(Comment.project)).where(Comment.id.in_(ids)))
    return {comment.id: comment for comment in rows}


def comment_url(comment: Comment) -> str:
    return f"{url_for('comments.comment_page', comment_id=comment.id)}#comment-{comment.id}"


def comment_title(comment: Comment) -> str:
    """"Comment by Anna K.: Der Radweg an der …", for the organisation's response form and notifications."""
    return f"{comment.author.display_name}: {excerpt(comment.html, 60)}"


def comment_visible(comment: Comment) -> bool:
    """Deleted comments are gone for everyone; hidden ones stay visible to the project's moderators."""
    from core.toolkit import can

    if comment.status == VISIBLE:
        return True
    return comment.status == HIDDEN and bool(can(current_user, "comment.moderate", project=comment.project))


def comment_scope(comment_id: int) -> str:
    """A comment is shown inside its target's discussion, so whatever is attached to it (an official
    response) changes that discussion's cached pages: ``<target's scope>/comments``."""
    row = db.session.execute(
        select(Comment.target_type, Comment.target_id, Comment.project_id).where(Comment.id == comment_id)).first()
    if row is None:
        return f"{TYPE}:{int(comment_id)}"
    return item_scope(row.target_type, row.target_id, row.project_id).split("/", 1)[1] + "comments"


def item_type() -> ItemType:
    return ItemType(TYPE, _l("Comment"), load=load_comments, url=comment_url, title=comment_title,
                    visible=comment_visible, offers=frozenset({"responses"}), owner=lambda comment: comment.author_id,
                    plural=_l("Comments"), export_key="comments", cache_scope=comment_scope)
