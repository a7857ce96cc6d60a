"""Agreeing or disagreeing with a comment, and reporting it to the moderators."""
from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from core.toolkit import posting_limit, require, wants_fragment

from .. import services
from ..api import thread_url
from ..forms import ReportForm
from ..thread import single_entry
from .common import ThreadContext, bp, fragment, load_comment, redirect_back, render_comment

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
        return redirect_back(comment, thread_url(comment.target_type, comment.target_id))
    entry = single_entry(comment)
    message = {1: _("You agree with this comment."), -1: _("You disagree with this comment."),
               0: _("Your vote was withdrawn.")}[value]
    focus_value = "disagree" if "disagree" in request.form["value"] else "agree"
    return fragment("comments/_votes.html", entry=entry, thread=ThreadContext(comment), status_message=message,
                    focus_value=focus_value)


@bp.route("/c/<int:comment_id>/report", methods=["GET", "POST"])
@posting_limit("REPORT_RATE_LIMIT")
def report(comment_id: int):
    comment = load_comment(comment_id)
    require("comment.report", comment)
    form = ReportForm()
    view = ThreadContext(comment)
    if request.method == "GET":
        form.next.data = view.back
    elif form.validate_on_submit():
        done = services.report_comment(comment, current_user, form.reason.data, form.text.data)
        message = (_("Thank you. The moderators will look at this comment.") if done
                   else _("You have reported this comment already."))
        if not wants_fragment():
            flash(message, "success" if done else "info")
            return redirect_back(comment, thread_url(comment.target_type, comment.target_id))
        return render_comment(comment, status_message=message, slot=message)
    status = 422 if request.method == "POST" else 200
    if wants_fragment():
        return fragment("comments/_report.html", status, retarget=f"#report-form-{comment.id}" if status == 422 else None,
                        comment=comment, thread=view, form=form)
    return render_template("comments/form_page.html", title=_("Report a comment"),
                           form_template="comments/_report.html", thread=view, comment=comment, form=form,
                           quote=comment), status
