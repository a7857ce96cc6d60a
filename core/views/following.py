"""Following projects, and "My participation": the projects a person follows and everything they contributed.

The "Follow"/"Unfollow" button on a project's page is a form that works
without JavaScript (it posts, then returns to the page); with htmx it replaces
itself with its new state.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..following import followed_projects, is_following, set_following
from ..forms import FollowForm
from ..htmx import wants_fragment
from ..participation import by_project, contributions_of
from ..policy import can
from ..redirects import safe_next
from ..toolkit import load_project, require

bp = Blueprint("following", __name__)


@bp.post("/p/<slug>/follow")
def follow(slug: str):
    project = load_project(slug)
    require("project.follow", project)
    form = FollowForm()
    if form.validate_on_submit() and form.following.data in ("0", "1"):
        following = form.following.data == "1"
        set_following(current_user, project, following)
        db.session.commit()
        message = (_("You follow this project now.") if following
                   else _("You no longer follow this project."))
    else:
        following, message = is_following(current_user, project), None
    if wants_fragment():  # htmx: the button replaces itself, saying what happened
        response = make_response(render_template("projects/_follow.html", project=project, following=following,
                                                 follow_message=message))
        response.vary.add("HX-Request")
        return response
    if message:
        flash(message, "success")
    return redirect(safe_next(form.next.data, f"/p/{project.slug}"))


@bp.get("/account/participation")
@login_required
def participation():
    """The projects the person follows (with "Unfollow") and all their contributions, by project."""
    followed = [project for project in followed_projects(current_user) if can(current_user, "project.view", project)]
    contributions = contributions_of(current_user._get_current_object())
    return render_template("account/participation.html", followed=followed, groups=by_project(contributions),
                           total=len(contributions))
