"""A project's moderation queue: reported comments first, the latest comments, bulk actions and the log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.toolkit import db, get_or_404, load_project, parse_int, require

from .. import services
from ..forms import REPORT_REASONS, BulkForm
from ..models import DELETED, HIDDEN, Comment, ModerationLog, Report
from ..targets import target_type as get_commentable
from .common import moderation_bp

QUEUE_LIMIT = 100
RECENT_LIMIT = 50
LOG_LIMIT = 100


def _targets_for(comments: list[Comment]) -> dict[tuple[str, int], tuple]:
    """(label, url, target, title) of each comment's target; one ``load`` per type."""
    by_type: dict[str, set[int]] = {}
    for comment in comments:
        by_type.setdefault(comment.target_type, set()).add(comment.target_id)
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
    reported_ids = [comment.id for comment, _count in reported]
    reports: dict[int, list[Report]] = {}
    if reported_ids:
        for report in db.session.scalars(
            select(Report).options(joinedload(Report.user))
            .where(Report.comment_id.in_(reported_ids), Report.resolved_at.is_(None)).order_by(Report.id)
        ):
            reports.setdefault(report.comment_id, []).append(report)
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
    targets = _targets_for([comment for comment, _count in reported] + list(recent))
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
