"""Editing and deleting one's own comment (while ``comment.create`` is allowed in its thread)."""
from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _

from core.toolkit import require, wants_fragment

from .. import services
from ..api import thread_url
from ..forms import EditForm
from ..thread import single_entry
from .common import ThreadContext, announce_change, bp, fragment, load_comment, redirect_back, render_comment


@bp.route("/c/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.edit", comment)
    form = EditForm(text=comment.text)
    view = ThreadContext(comment)
    if request.method == "GET":
        form.next.data = view.back
    elif form.validate_on_submit():
        services.edit_comment(comment, form.text.data)
        if not wants_fragment():
            flash(_("Your changes were saved."), "success")
            return redirect_back(comment, thread_url(comment.target_type, comment.target_id))
        return render_comment(comment, status_message=_("Your changes were saved."))
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return fragment("comments/_edit.html", status, entry=single_entry(comment), thread=view, form=form)
    return render_template("comments/form_page.html", title=_("Edit your comment"), form_template="comments/_edit.html",
                           thread=view, form=form, entry=single_entry(comment)), status


@bp.post("/c/<int:comment_id>/delete")
def delete(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.delete", comment)
    services.delete_comment(comment)
    message = _("Your comment was deleted.")
    if not wants_fragment():
        flash(message, "success")
        return redirect_back(comment, thread_url(comment.target_type, comment.target_id))
    return announce_change(render_comment(comment, status_message=message), comment.target_type, comment.target_id)
