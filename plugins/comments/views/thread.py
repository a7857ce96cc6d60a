"""A thread: its page and widget, "show more", posting comments and replies, a comment's permalink."""
from __future__ import annotations

import uuid

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from core.toolkit import cache_versions, db, item_scope, MAX_PAGE, parse_int, posting_limit, render_page, require, wants_fragment

from .. import services
from ..api import thread_url
from ..forms import CommentForm
from ..models import VISIBLE, Comment
from ..targets import target_type as get_commentable
from ..thread import (
    SORTS,
    Entry,
    build_thread,
    cached_for_anonymous,
    count_comments,
    dom_id_of,
    resolve_target,
    root_with_replies,
    single_entry,
)
from .common import ThreadContext, announce_change, bp, fragment, load_comment, redirect_back


@bp.get("/<target_type>/<int:target_id>")
def thread(target_type: str, target_id: int):
    commentable, target = resolve_target(target_type, target_id)
    page = parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    sort = request.args.get("sort")
    focus_sort = request.args.get("focus") == "sort"
    # htmx: the sort switch swaps the widget's body; anything else (an owner plugin loading the
    # discussion into its page) gets the whole widget with its status region.
    if not wants_fragment():
        template = "comments/thread.html"
    elif request.headers.get("HX-Target") == f"{dom_id_of(target_type, target_id)}-body":
        template = "comments/_body.html"
    else:
        template = "comments/_thread.html"

    scope = item_scope(target_type, target_id, target.project.id)
    # One query for the versions of everything the page shows (tabs, list, count, the reader's unread count).
    cache_versions(target.project, [scope])

    def render() -> str:
        view = build_thread(target_type, target_id, target.project, sort=sort, page=page, target=target, shared=True)
        view.focus_sort = focus_sort
        if template != "comments/thread.html":
            return render_template(template, thread=view, target=target, commentable=commentable)
        main = render_template("comments/_thread_page.html", thread=view, target=target, commentable=commentable)
        return render_page(template, title=Markup("{}: {}").format(_("Discussion"), commentable.label), main=main)

    html = cached_for_anonymous(("comments.thread", target_type, target_id, template, sort, page), target, target.project,
                                render, scope=scope)
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


@bp.get("/<target_type>/<int:target_id>/more")
def more(target_type: str, target_id: int):
    """The next page of top-level comments, for the "show more" button: those after ``after``, the last one shown."""
    page = parse_int(request.args.get("page"), minimum=2, maximum=MAX_PAGE) or 2
    sort = request.args.get("sort")
    if not wants_fragment():
        return redirect(thread_url(target_type, target_id, sort=sort, page=page))
    _commentable, target = resolve_target(target_type, target_id)
    after_id = parse_int(request.args.get("after"))
    after = db.session.get(Comment, after_id) if after_id else None
    if after is not None and (after.target_type, after.target_id, after.parent_id) != (target_type, target_id, None):
        after = None  # not a top-level comment of this thread: fall back to the page number

    def render() -> str:
        view = build_thread(target_type, target_id, target.project, sort=sort, page=page, target=target, after=after)
        view.focus_id = view.entries[0].comment.id if view.entries else None
        return render_template("comments/_page.html", thread=view)

    key = ("comments.more", target_type, target_id, sort, page, after.id if after else None)
    html = cached_for_anonymous(key, target, target.project, render,
                                scope=item_scope(target_type, target_id, target.project.id))
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


@bp.post("/<target_type>/<int:target_id>")
@posting_limit("COMMENT_RATE_LIMIT")
def create(target_type: str, target_id: int):
    _commentable, target = resolve_target(target_type, target_id)
    project = target.project
    form = CommentForm()
    parent = None
    if form.parent_id.data:
        parent_id = parse_int(form.parent_id.data)
        parent = db.session.get(Comment, parent_id) if parent_id is not None else None
        # Replies stay in their thread: a parent from another target or project is "not found".
        if parent is None or parent.target_type != target_type or parent.target_id != target_id \
                or parent.project_id != project.id:
            abort(404)
    require("comment.create", target, project=project)
    if parent is not None and parent.status != VISIBLE:
        abort(403, description=_("You cannot reply to a deleted or hidden comment."))
    if not form.validate_on_submit():
        return _form_error(form, target_type, target_id, target, parent)
    # The reader's permissions for the answer are read now, before the write transaction begins.
    small = wants_fragment() and parent is None and _shown() == ("newest", 1)
    view = ThreadContext(None, thread=(project, target_type, target_id), target=target) if small else None
    comment, created = services.create_comment(
        target_type, target_id, project, current_user, form.text.data, parent=parent, token=form.token.data,
        target=target,
    )
    message = _("Your reply was published.") if comment.parent_id else _("Your comment was published.")
    if not wants_fragment():
        if created:
            flash(message, "success")
        if comment.root_id:  # a thread shows replies on demand; its comment's page shows them all
            return redirect(url_for("comments.comment_page", comment_id=comment.root_id, _anchor=f"comment-{comment.id}"))
        return redirect_back(comment, thread_url(target_type, target_id))
    # Everything below runs after COMMIT: the write transaction held the lock only for INSERT + UPDATE.
    total = count_comments(target_type, target_id)
    if comment.root_id:
        root = db.session.get(Comment, comment.root_id)
        view = ThreadContext(comment, focus_id=comment.id)
        entry = root_with_replies(root, is_moderator=view.is_moderator)
        response = fragment("comments/_replies.html", entry=entry, thread=view, status_message=message, total=total,
                            clear_slot=parent.id if parent else None)
    elif small and created and total > 1:
        # The reader sees the newest comments first: only the new comment travels, not the whole thread.
        view.focus_id = comment.id
        # The sent form, emptied, with a new one-time token, is the fresh form (no second form to build).
        form.text.data, form.token.data = "", str(uuid.uuid4())
        response = fragment("comments/_posted.html", entry=Entry(comment), thread=view, total=total,
                            form=form, shown="newest:1", status_message=message)
    else:
        # The first comment (no list yet), a repeated form or another sort order: the whole body, newest first.
        view = build_thread(target_type, target_id, project, sort="newest", target=target, focus_id=comment.id)
        response = fragment("comments/_body.html", thread=view, status_message=message, retarget=f"#{view.dom_id}-body")
    return announce_change(response, target_type, target_id, total, count_in_answer=True)


def _shown() -> tuple[str, int] | None:
    """The sort order and page the reader's htmx form says are on screen (``hx-vals``: "newest:1")."""
    sort, _sep, page = request.form.get("shown", "").partition(":")
    number = parse_int(page, minimum=1, maximum=MAX_PAGE)
    if sort in SORTS and number is not None:
        return sort, number
    return None


def _form_error(form, target_type, target_id, target, parent):
    """Show the form again with its errors: in place for htmx, as a page without JavaScript."""
    if wants_fragment():
        if parent is None:
            view = build_thread(target_type, target_id, target.project, form=form, target=target)
            shown = _shown()
            return fragment("comments/_form.html", 422, retarget=f"#{view.dom_id}-form", thread=view, form=form,
                            parent=None, autofocus=True, shown=f"{shown[0]}:{shown[1]}" if shown else None)
        return fragment("comments/_form.html", 422, retarget=f"#reply-form-{parent.id}", thread=ThreadContext(parent),
                        form=form, parent=parent, autofocus=True)
    if parent is not None:
        view = ThreadContext(parent)
    else:
        view = build_thread(target_type, target_id, target.project, target=target)
    title = _("Reply") if parent is not None else _("Write a comment")
    return render_template("comments/form_page.html", title=title, form_template="comments/_form.html",
                           form=form, parent=parent, thread=view, quote=parent, autofocus=True), 422


@bp.get("/c/<int:comment_id>")
def comment_page(comment_id: int):
    """Permalink: the top-level comment with all replies; htmx gets the single comment (edit cancelled)."""
    comment = load_comment(comment_id)
    if wants_fragment():
        view = ThreadContext(comment, focus_id=comment.id)
        return fragment("comments/_comment.html", entry=single_entry(comment, is_moderator=view.is_moderator),
                        thread=view)
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    commentable = get_commentable(comment.target_type)
    target = commentable.load([comment.target_id]).get(comment.target_id)
    view = ThreadContext(comment)
    view.back = request.full_path.rstrip("?")
    entry = root_with_replies(root, is_moderator=view.is_moderator)
    return render_template("comments/comment_page.html", entry=entry, thread=view, target=target, commentable=commentable,
                           comment=comment, total=count_comments(comment.target_type, comment.target_id))


@bp.get("/c/<int:comment_id>/replies")
def replies(comment_id: int):
    """All replies to a top-level comment ("Show N replies"), in place; focus on the first, so a screen
    reader reads on where the button was."""
    root = load_comment(comment_id)
    if root.root_id:
        abort(404)
    if not wants_fragment():
        return redirect(url_for("comments.comment_page", comment_id=root.id, _anchor=f"comment-{root.id}"))
    view = ThreadContext(root)
    entry = root_with_replies(root, is_moderator=view.is_moderator)
    view.focus_id = entry.replies[0].comment.id if entry.replies else None
    return fragment("comments/_replies.html", entry=entry, thread=view)


@bp.get("/c/<int:comment_id>/reply")
def reply_form(comment_id: int):
    parent = load_comment(comment_id)
    require("comment.create", parent, project=parent.project)
    if parent.status != VISIBLE:
        abort(403, description=_("You cannot reply to a deleted or hidden comment."))
    form = CommentForm(parent_id=str(parent.id))
    view = ThreadContext(parent)
    form.next.data = view.back
    if wants_fragment():
        return fragment("comments/_form.html", thread=view, form=form, parent=parent, autofocus=True)
    return render_template("comments/form_page.html", title=_("Reply"), form_template="comments/_form.html",
                           thread=view, form=form, parent=parent, quote=parent, autofocus=True)
