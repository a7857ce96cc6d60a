"""Pages and htmx fragments of the comments plugin.

Every write works as a plain form post (redirect back to the page the reader
came from, anchored at ``#comment-<id>``) and as an htmx request (the changed
part is swapped in place; ``HX-Trigger: comments:changed`` tells the owner
plugin that the number of comments may have changed).
"""
from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.toolkit import (
    can, db, get_or_404, load_project, MAX_PAGE, parse_int, posting_limit, require,
    text_to_html, wants_fragment,
)

from . import services
from .api import thread_url
from .targets import target_type as get_commentable
from .targets import visible_to_reader
from .forms import BulkForm, CommentForm, EditForm, HideForm, RemarkForm, ReportForm, same_site_path
from .models import DELETED, HIDDEN, VISIBLE, Comment, ModerationLog, Report
from .thread import (
    REPLY_PREVIEW,
    SORTS,
    Entry,
    Reader,
    build_thread,
    cached_for_anonymous,
    comment_words,
    count_comments,
    current_path,
    is_moderator,
    resolve_target,
    root_with_replies,
    single_entry,
)

bp = Blueprint("comments", __name__, url_prefix="/comments")
moderation_bp = Blueprint("comments_moderation", __name__, url_prefix="/p/<slug>/comments")


@bp.app_template_filter("comment_number")
def comment_number_filter(value):
    """A count in the reader's language: 1,000 / 1.000."""
    return format_decimal(value)


bp.add_app_template_global(comment_words, "comment_words")


@bp.app_template_filter("comment_text")
def comment_text_filter(text):
    """Plain text typed by a person (a moderator remark) as safe HTML with links."""
    return text_to_html(text)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _back(default: str) -> str:
    """Where a plain form post returns to: the form's ``next``, the page it came from, or ``default``."""
    target = same_site_path(request.values.get("next"))
    if target:
        return target.split("#", 1)[0]
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host and parts.path and not parts.path.startswith("/comments/c/"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return default


def _redirect_to(comment: Comment | None, default: str):
    anchor = f"#comment-{comment.id}" if comment is not None else ""
    return redirect(_back(default) + anchor)


def _changed(response, target_type: str, target_id: int, count: int | None = None):
    """Tell the page (and an owner plugin listening) that a thread changed, with its new count."""
    if count is None:
        count = count_comments(target_type, target_id)
    detail = {"target_type": target_type, "target_id": target_id, "count": count}
    response.headers["HX-Trigger"] = json.dumps({"comments:changed": detail})
    return response


def _fragment(template: str, status: int = 200, *, retarget: str | None = None, **context):
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


class Ctx(Reader):
    """What the comment macros need when a single comment is rendered outside a whole thread."""

    def __init__(self, comment: Comment | None, *, focus_id: int | None = None, back: str | None = None,
                 thread: tuple[Any, str, int] | None = None, target: Any = None):
        # ``thread`` = (project, target_type, target_id) and ``target``: the context before the comment exists.
        project, self.target_type, self.target_id = thread or (comment.project, comment.target_type, comment.target_id)
        self.project = project
        self.subject = comment if comment is not None else target
        self.is_moderator = is_moderator(project)
        self.create = can(current_user, "comment.create", self.subject, project=project)
        self.focus_id = focus_id
        self.back = back or same_site_path(request.values.get("next")) or current_path()
        self.init_reader()


def _render_comment(comment: Comment, *, status_message: str | None = None, slot: str | None = None, status: int = 200):
    x = Ctx(comment, focus_id=comment.id)
    entry = single_entry(comment, is_moderator=x.is_moderator)
    return _fragment("comments/_comment.html", status, e=entry, x=x, status_message=status_message, slot=slot)


# ---------------------------------------------------------------------------
# threads
# ---------------------------------------------------------------------------


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
    elif request.headers.get("HX-Target") == f"comments-{target_type}-{target_id}-body":
        template = "comments/_body.html"
    else:
        template = "comments/_thread.html"

    def render() -> str:
        t = build_thread(target_type, target_id, target.project, sort=sort, page=page, target=target)
        t.focus_sort = focus_sort
        return render_template(template, t=t, target=target, commentable=commentable)

    html = cached_for_anonymous(("comments.thread", target_type, target_id, template, sort, page), target, target.project, render)
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
        t = build_thread(target_type, target_id, target.project, sort=sort, page=page, target=target, after=after)
        t.focus_id = t.entries[0].c.id if t.entries else None
        return render_template("comments/_page.html", t=t)

    key = ("comments.more", target_type, target_id, sort, page, after.id if after else None)
    html = cached_for_anonymous(key, target, target.project, render)
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
    x = Ctx(None, thread=(project, target_type, target_id), target=target) if small else None
    comment, created = services.create_comment(
        target_type, target_id, project, current_user, form.text.data, parent=parent, token=form.token.data
    )
    message = _("Your reply was published.") if comment.parent_id else _("Your comment was published.")
    if not wants_fragment():
        if created:
            flash(message, "success")
        return _redirect_to(comment, thread_url(target_type, target_id))
    # Everything below runs after COMMIT: the write transaction held the lock only for INSERT + UPDATE.
    total = count_comments(target_type, target_id)
    if comment.root_id:
        root = db.session.get(Comment, comment.root_id)
        x = Ctx(comment, focus_id=comment.id)
        entry = root_with_replies(root, is_moderator=x.is_moderator)
        response = _fragment("comments/_replies.html", e=entry, x=x, status_message=message, total=total,
                             clear_slot=parent.id if parent else None)
    elif small and created and total > 1:
        # The reader sees the newest comments first: only the new comment travels, not the whole thread.
        x.focus_id = comment.id
        # The sent form, emptied, with a new one-time token, is the fresh form (no second form to build).
        form.text.data, form.token.data = "", str(uuid.uuid4())
        response = _fragment("comments/_posted.html", e=Entry(comment), x=x, t=x, total=total,
                             form=form, shown="newest:1", status_message=message)
    else:
        # The first comment (no list yet), a repeated form or another sort order: the whole body, newest first.
        t = build_thread(target_type, target_id, project, sort="newest", target=target, focus_id=comment.id)
        response = _fragment("comments/_body.html", t=t, status_message=message, retarget=f"#{t.dom_id}-body")
    return _changed(response, target_type, target_id, total)


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
            t = build_thread(target_type, target_id, target.project, form=form, target=target)
            shown = _shown()
            return _fragment("comments/_form.html", 422, retarget=f"#{t.dom_id}-form", t=t, form=form,
                             parent=None, autofocus=True, shown=f"{shown[0]}:{shown[1]}" if shown else None)
        x = Ctx(parent)
        return _fragment("comments/_form.html", 422, retarget=f"#reply-form-{parent.id}", t=x, form=form,
                         parent=parent, autofocus=True)
    x = Ctx(parent) if parent is not None else None
    title = _("Reply") if parent is not None else _("Write a comment")
    return render_template("comments/form_page.html", title=title, form_template="comments/_form.html",
                           form=form, parent=parent, t=x or _thread_ctx(target_type, target_id, target),
                           quote=parent, autofocus=True), 422


def _thread_ctx(target_type, target_id, target):
    return build_thread(target_type, target_id, target.project, target=target)


# ---------------------------------------------------------------------------
# single comments
# ---------------------------------------------------------------------------


@bp.get("/c/<int:comment_id>")
def comment_page(comment_id: int):
    """Permalink: the top-level comment with all replies; htmx gets the single comment (edit cancelled)."""
    comment = load_comment(comment_id)
    if wants_fragment():
        x = Ctx(comment, focus_id=comment.id)
        return _fragment("comments/_comment.html", e=single_entry(comment, is_moderator=x.is_moderator), x=x)
    root = db.session.get(Comment, comment.root_id) if comment.root_id else comment
    commentable = get_commentable(comment.target_type)
    target = commentable.load([comment.target_id]).get(comment.target_id)
    x = Ctx(comment)
    x.back = request.full_path.rstrip("?")
    entry = root_with_replies(root, is_moderator=x.is_moderator)
    return render_template("comments/comment_page.html", e=entry, x=x, target=target, commentable=commentable,
                           comment=comment, total=count_comments(comment.target_type, comment.target_id))


@bp.get("/c/<int:comment_id>/replies")
def replies(comment_id: int):
    """All replies to a top-level comment ("show N more replies")."""
    root = load_comment(comment_id)
    if root.root_id:
        abort(404)
    if not wants_fragment():
        return redirect(url_for("comments.comment_page", comment_id=root.id, _anchor=f"comment-{root.id}"))
    x = Ctx(root)
    entry = root_with_replies(root, is_moderator=x.is_moderator)
    if len(entry.replies) > REPLY_PREVIEW:
        x.focus_id = entry.replies[REPLY_PREVIEW].c.id
    return _fragment("comments/_replies.html", e=entry, x=x)


@bp.get("/c/<int:comment_id>/reply")
def reply_form(comment_id: int):
    parent = load_comment(comment_id)
    require("comment.create", parent, project=parent.project)
    if parent.status != VISIBLE:
        abort(403, description=_("You cannot reply to a deleted or hidden comment."))
    form = CommentForm(parent_id=str(parent.id))
    x = Ctx(parent)
    form.next.data = x.back
    if wants_fragment():
        return _fragment("comments/_form.html", t=x, form=form, parent=parent, autofocus=True)
    return render_template("comments/form_page.html", title=_("Reply"), form_template="comments/_form.html",
                           t=x, form=form, parent=parent, quote=parent, autofocus=True)


@bp.route("/c/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.edit", comment)
    form = EditForm(text=comment.text)
    x = Ctx(comment)
    if request.method == "GET":
        form.next.data = x.back
    elif form.validate_on_submit():
        services.edit_comment(comment, form.text.data)
        if not wants_fragment():
            flash(_("Your changes were saved."), "success")
            return _redirect_to(comment, thread_url(comment.target_type, comment.target_id))
        return _render_comment(comment, status_message=_("Your changes were saved."))
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return _fragment("comments/_edit.html", status, e=single_entry(comment), x=x, form=form)
    return render_template("comments/form_page.html", title=_("Edit your comment"), form_template="comments/_edit.html",
                           t=x, x=x, form=form, e=single_entry(comment)), status


@bp.post("/c/<int:comment_id>/delete")
def delete(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.delete", comment)
    services.delete_comment(comment)
    message = _("Your comment was deleted.")
    if not wants_fragment():
        flash(message, "success")
        return _redirect_to(comment, thread_url(comment.target_type, comment.target_id))
    return _changed(_render_comment(comment, status_message=message), comment.target_type, comment.target_id)


#: Button values: set a vote, or withdraw it (the pressed button keeps the focus afterwards).
VOTE_VALUES = {"agree": 1, "disagree": -1, "unagree": 0, "undisagree": 0, "none": 0}


@bp.post("/c/<int:comment_id>/vote")
def vote(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.rate", comment)
    value = VOTE_VALUES.get(request.form.get("value", ""))
    if value is None:
        abort(400)
    services.set_vote(comment, current_user, value)
    if not wants_fragment():
        return _redirect_to(comment, thread_url(comment.target_type, comment.target_id))
    x = Ctx(comment)
    entry = single_entry(comment)
    message = {1: _("You agree with this comment."), -1: _("You disagree with this comment."),
               0: _("Your vote was withdrawn.")}[value]
    return _fragment("comments/_votes.html", e=entry, x=x, status_message=message, focus_value="disagree" if "disagree" in request.form["value"] else "agree")


@bp.route("/c/<int:comment_id>/report", methods=["GET", "POST"])
@posting_limit("REPORT_RATE_LIMIT")
def report(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.report", comment)
    form = ReportForm()
    x = Ctx(comment)
    if request.method == "GET":
        form.next.data = x.back
    elif form.validate_on_submit():
        done = services.report_comment(comment, current_user, form.reason.data, form.text.data)
        message = (_("Thank you. The moderators will look at this comment.") if done
                   else _("You have reported this comment already."))
        if not wants_fragment():
            flash(message, "success" if done else "info")
            return _redirect_to(comment, thread_url(comment.target_type, comment.target_id))
        return _render_comment(comment, status_message=message, slot=message)
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return _fragment("comments/_report.html", status, retarget=f"#report-form-{comment.id}" if status == 422 else None,
                         c=comment, x=x, form=form)
    return render_template("comments/form_page.html", title=_("Report a comment"),
                           form_template="comments/_report.html", t=x, x=x, c=comment, form=form,
                           quote=comment), status


# ---------------------------------------------------------------------------
# moderation of one comment (not bound to phases)
# ---------------------------------------------------------------------------


@bp.get("/c/<int:comment_id>/moderate")
def moderate(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    x = Ctx(comment)
    hide_form = HideForm(next=x.back)
    remark_form = RemarkForm(remark=comment.moderator_remark or "", next=x.back)
    context = dict(c=comment, x=x, hide_form=hide_form, remark_form=remark_form)
    if wants_fragment():
        return _fragment("comments/_moderate.html", **context)
    return render_template("comments/form_page.html", title=_("Moderate a comment"),
                           form_template="comments/_moderate.html", t=x, quote=comment, show_hidden=True, **context)


def _moderation_done(comment: Comment, message: str, changed: bool = False):
    if not wants_fragment():
        flash(message, "success")
        return _redirect_to(comment, thread_url(comment.target_type, comment.target_id))
    response = _render_comment(comment, status_message=message)
    return _changed(response, comment.target_type, comment.target_id) if changed else response


@bp.post("/c/<int:comment_id>/hide")
def hide(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    form = HideForm()
    if not form.validate_on_submit():
        x = Ctx(comment)
        context = dict(c=comment, x=x, hide_form=form, remark_form=RemarkForm(remark=comment.moderator_remark or ""))
        if wants_fragment():
            return _fragment("comments/_moderate.html", 422, retarget=f"#moderate-{comment.id}", **context)
        return render_template("comments/form_page.html", title=_("Moderate a comment"),
                               form_template="comments/_moderate.html", t=x, quote=comment, show_hidden=True,
                               **context), 422
    services.hide_comment(comment, current_user, form.reason.data)
    return _moderation_done(comment, _("The comment is hidden."), changed=True)


@bp.post("/c/<int:comment_id>/restore")
def restore(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    services.restore_comment(comment, current_user)
    return _moderation_done(comment, _("The comment is visible again."), changed=True)


@bp.post("/c/<int:comment_id>/remark")
def remark(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    form = RemarkForm()
    if not form.validate_on_submit():
        x = Ctx(comment)
        context = dict(c=comment, x=x, hide_form=HideForm(), remark_form=form)
        if wants_fragment():
            return _fragment("comments/_moderate.html", 422, retarget=f"#moderate-{comment.id}", **context)
        return render_template("comments/form_page.html", title=_("Moderate a comment"),
                               form_template="comments/_moderate.html", t=x, quote=comment, show_hidden=True,
                               **context), 422
    had = bool(comment.moderator_remark)
    services.set_remark(comment, current_user, form.remark.data)
    if comment.moderator_remark:
        message = _("The moderator remark was saved.")
    else:
        message = _("The moderator remark was removed.") if had else _("Nothing was changed.")
    return _moderation_done(comment, message)


# ---------------------------------------------------------------------------
# the moderation queue of a project
# ---------------------------------------------------------------------------

QUEUE_LIMIT = 100
RECENT_LIMIT = 50
LOG_LIMIT = 100


def _targets_for(comments: list[Comment]) -> dict[tuple[str, int], tuple]:
    """(label, url, target, title) of each comment's target; one ``load`` per type."""
    by_type: dict[str, set[int]] = {}
    for c in comments:
        by_type.setdefault(c.target_type, set()).add(c.target_id)
    found = {}
    for target_type, ids in by_type.items():
        commentable = get_commentable(target_type)
        if commentable is None:
            continue
        for target_id, obj in commentable.load(sorted(ids)).items():
            found[(target_type, target_id)] = (commentable.label, commentable.url(obj), obj, commentable.title_of(obj))
    return found


@moderation_bp.get("/moderation")
def queue(slug: str):
    project = load_project(slug)
    require("comment.moderate", project)
    open_reports = (
        select(Report.comment_id, func.count(Report.id).label("n"))
        .where(Report.project_id == project.id, Report.resolved_at.is_(None))
        .group_by(Report.comment_id)
        .subquery()
    )
    reported = db.session.execute(
        select(Comment, open_reports.c.n)
        .join(open_reports, open_reports.c.comment_id == Comment.id)
        .options(joinedload(Comment.author))
        .order_by(open_reports.c.n.desc(), Comment.id.desc())
        .limit(QUEUE_LIMIT)
    ).all()
    reported_ids = [c.id for c, _n in reported]
    reports: dict[int, list[Report]] = {}
    if reported_ids:
        for r in db.session.scalars(
            select(Report).options(joinedload(Report.user))
            .where(Report.comment_id.in_(reported_ids), Report.resolved_at.is_(None)).order_by(Report.id)
        ):
            reports.setdefault(r.comment_id, []).append(r)
    recent = db.session.scalars(
        select(Comment).options(joinedload(Comment.author))
        .where(Comment.project_id == project.id, Comment.status != DELETED)
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(RECENT_LIMIT)
    ).all()
    log = db.session.scalars(
        select(ModerationLog).options(joinedload(ModerationLog.moderator))
        .where(ModerationLog.project_id == project.id)
        .order_by(ModerationLog.created_at.desc(), ModerationLog.id.desc()).limit(LOG_LIMIT)
    ).all()
    targets = _targets_for([c for c, _n in reported] + list(recent))
    from .forms import REPORT_REASONS

    return render_template(
        "comments/moderation.html", project=project, reported=reported, reports=reports, recent=recent, log=log,
        targets=targets, form=BulkForm(), reasons=dict(REPORT_REASONS), hidden_status=HIDDEN,
    )


@moderation_bp.post("/moderation/bulk")
def bulk(slug: str):
    project = load_project(slug)
    require("comment.moderate", project)
    form = BulkForm()
    ids = [i for i in map(parse_int, request.form.getlist("ids")) if i is not None]
    url = url_for("comments_moderation.queue", slug=project.slug)
    if not form.validate_on_submit():
        abort(400)
    if not ids:
        flash(_("Please select at least one comment."), "error")
        return redirect(url)
    if form.action.data == "hide" and not (form.reason.data or "").strip():
        flash(_("Please give a reason for hiding."), "error")
        return redirect(url)
    comments = db.session.scalars(select(Comment).where(Comment.id.in_(ids), Comment.project_id == project.id)).all()
    if len(comments) != len(set(ids)):
        abort(404)
    done = 0
    for comment in comments:
        if form.action.data == "hide":
            done += services.hide_comment(comment, current_user, form.reason.data, commit=False)
        elif form.action.data == "restore":
            done += services.restore_comment(comment, current_user, commit=False)
        else:
            done += services.dismiss_reports(comment, current_user, commit=False)
    db.session.commit()
    flash(_("%(n)d of %(total)d selected comments were changed.", n=done, total=len(comments)), "success")
    return redirect(url)


@moderation_bp.post("/moderation/<int:comment_id>/dismiss")
def dismiss(slug: str, comment_id: int):
    project = load_project(slug)
    require("comment.moderate", project)
    comment = get_or_404(Comment, comment_id, project)
    if services.dismiss_reports(comment, current_user):
        flash(_("The reports were dismissed."), "success")
    return redirect(url_for("comments_moderation.queue", slug=project.slug))

