"""What the view modules share: the two blueprints, loading a comment, and answering a post.

A plain form post is answered with a redirect back to the page the reader came from
(:func:`redirect_back`); an htmx request with the changed part (:func:`fragment`,
:func:`render_comment`), plus ``HX-Trigger: comments:changed`` when a thread's number of
comments may have changed (:func:`announce_change`).
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request
from flask_login import current_user

from core.toolkit import can, current_page, db, same_site_path

from ..forms import next_path
from ..models import Comment
from ..targets import target_type as get_commentable
from ..targets import visible_to_reader
from ..thread import Reader, count_comments, dom_id_of, is_moderator, single_entry

bp = Blueprint("comments", __name__, url_prefix="/comments")
moderation_bp = Blueprint("comments_moderation", __name__, url_prefix="/p/<slug>/comments")


def return_path(default: str) -> str:
    """Where a plain form post returns to: the form's ``next``, the page it came from, or ``default``.

    A single comment's own pages (``/comments/c/…``: its reply, edit or report form) are not
    returned to: the comment is shown in its discussion instead.
    """
    target = next_path(request.values.get("next"))
    if target:
        return target.split("#", 1)[0]
    referrer = same_site_path(request.referrer)
    if referrer and not referrer.startswith("/comments/c/"):
        return referrer
    return default


def redirect_back(comment: Comment | None, default: str):
    """Redirect to :func:`return_path`, anchored at the comment."""
    anchor = f"#comment-{comment.id}" if comment is not None else ""
    return redirect(return_path(default) + anchor)


def announce_change(response, target_type: str, target_id: int, count: int | None = None, *,
                    count_in_answer: bool = False):
    """Tell the page (and an owner plugin listening) that a thread changed, with its new count.

    The thread's own heading count is updated out of band too, unless the answer already carries
    it (``count_in_answer``: a new comment's answer): a comment deleted or hidden in place would
    otherwise leave the heading counting it until the page is reloaded.
    """
    if count is None:
        count = count_comments(target_type, target_id)
    detail = {"target_type": target_type, "target_id": target_id, "count": count}
    response.headers["HX-Trigger"] = json.dumps({"comments:changed": detail})
    if not count_in_answer and response.status_code < 300:
        response.set_data(response.get_data() + render_template(
            "comments/_count_oob.html", dom_id=dom_id_of(target_type, target_id), total=count).encode())
    return response


def fragment(template: str, status: int = 200, *, retarget: str | None = None, **context):
    """An htmx answer: ``template`` rendered, ``Vary: HX-Request``; ``retarget`` swaps another element instead."""
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    if retarget:
        response.headers["HX-Retarget"] = retarget
        response.headers["HX-Reswap"] = "outerHTML"
    return response


def load_comment(comment_id: int) -> Comment:
    """The comment, or 404 if missing, its type is no longer commentable or its project is hidden from the user.

    A comment whose target was deleted (an initiator removed the paragraph) or is hidden from the
    reader (an idea hidden by moderation) has left the site: only moderators still reach it, to
    read it and handle its reports; the export keeps it too.
    """
    comment = db.session.get(Comment, comment_id)
    commentable = get_commentable(comment.target_type) if comment is not None else None
    if commentable is None:
        abort(404)
    if not can(current_user, "project.view", comment.project):
        abort(404)
    target = commentable.load([comment.target_id]).get(comment.target_id)
    if (target is None or not visible_to_reader(commentable, target)) and not is_moderator(comment.project):
        abort(404)
    return comment


class ThreadContext(Reader):
    """The thread a single comment belongs to, as the reader sees it: what the comment macros need
    when one comment (its form, its replies) is rendered outside a whole :class:`~..thread.ThreadView`."""

    def __init__(self, comment: Comment | None, *, focus_id: int | None = None, back: str | None = None,
                 thread: tuple[Any, str, int] | None = None, target: Any = None):
        # ``thread`` = (project, target_type, target_id) and ``target``: the context before the comment exists.
        project, self.target_type, self.target_id = thread or (comment.project, comment.target_type, comment.target_id)
        self.project = project
        self.subject = comment if comment is not None else target
        self.is_moderator = is_moderator(project)
        self.create = can(current_user, "comment.create", self.subject, project=project)
        self.focus_id = focus_id
        self.back = back or next_path(request.values.get("next")) or current_page()
        self.init_reader()


def render_comment(comment: Comment, *, status_message: str | None = None, slot: str | None = None,
                   status: int = 200):
    """The comment re-rendered in place (after an edit, a deletion, a report or a moderation action)."""
    view = ThreadContext(comment, focus_id=comment.id)
    entry = single_entry(comment, is_moderator=view.is_moderator)
    return fragment("comments/_comment.html", status, entry=entry, thread=view, status_message=status_message,
                    slot=slot)
