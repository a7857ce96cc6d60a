"""Moderating one comment: hide it with a public reason, show it again, add or remove a moderator remark.

Not bound to phases: moderators act whenever needed (``comment.moderate``).
"""
from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from core.toolkit import require, wants_fragment

from .. import services
from ..api import thread_url
from ..forms import HideForm, RemarkForm
from ..models import Comment
from .common import ThreadContext, announce_change, bp, fragment, load_comment, redirect_back, render_comment


@bp.get("/c/<int:comment_id>/moderate")
def moderate(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    view = ThreadContext(comment)
    hide_form = HideForm(next=view.back)
    remark_form = RemarkForm(remark=comment.moderator_remark or "", next=view.back)
    return _panel(comment, view, hide_form, remark_form)


def _panel(comment: Comment, view: ThreadContext, hide_form: HideForm, remark_form: RemarkForm, status: int = 200):
    """The moderation forms: in place below the comment for htmx (a form with errors replaces the panel), else a page."""
    context = dict(comment=comment, thread=view, hide_form=hide_form, remark_form=remark_form)
    if wants_fragment():
        retarget = f"#moderate-{comment.id}" if status == 422 else None
        return fragment("comments/_moderate.html", status, retarget=retarget, **context)
    return render_template("comments/form_page.html", title=_("Moderate a comment"),
                           form_template="comments/_moderate.html", quote=comment, show_hidden=True,
                           **context), status


def _moderation_done(comment: Comment, message: str, changed: bool = False):
    if not wants_fragment():
        flash(message, "success")
        return redirect_back(comment, thread_url(comment.target_type, comment.target_id))
    response = render_comment(comment, status_message=message)
    return announce_change(response, comment.target_type, comment.target_id) if changed else response


@bp.post("/c/<int:comment_id>/hide")
def hide(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.moderate", comment)
    form = HideForm()
    if not form.validate_on_submit():
        remark_form = RemarkForm(remark=comment.moderator_remark or "")
        return _panel(comment, ThreadContext(comment), form, remark_form, 422)
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
        return _panel(comment, ThreadContext(comment), HideForm(), form, 422)
    had = bool(comment.moderator_remark)
    services.set_remark(comment, current_user, form.remark.data)
    if comment.moderator_remark:
        message = _("The moderator remark was saved.")
    else:
        message = _("The moderator remark was removed.") if had else _("Nothing was changed.")
    return _moderation_done(comment, message)
