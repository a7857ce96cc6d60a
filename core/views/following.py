"""Following projects, and "My participation": the projects a person follows and everything they contributed.

The "Follow"/"Unfollow" button on a project's page is a form that works
without JavaScript (it posts, then returns to the page); with htmx it replaces
itself with its new state.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..following import followed_projects, is_following, set_following
from ..forms import FollowForm
from ..htmx import wants_fragment
from ..participation import by_project, contributions_of
from ..policy import can
from ..redirects import safe_next
from ..toolkit import MAX_PAGE, load_project, parse_int, require

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


#: Contributions per page of "My participation": a person active for years gets pages, not one endless list.
CONTRIBUTIONS_PER_PAGE = 50


@bp.get("/account/participation")
@login_required
def participation():
    """The projects the person follows (with "Unfollow") and their contributions, newest first, by project.

    Contributions come in pages of :data:`CONTRIBUTIONS_PER_PAGE`. The plugins' ``user_contributions``
    hook lists everything (the data download needs it all), so a page is cut from the merged list:
    loading is a few queries per plugin, rendering the rows is what grows with a busy account.
    """
    followed = [project for project in followed_projects(current_user) if can(current_user, "project.view", project)]
    contributions = contributions_of(current_user._get_current_object())
    pages = max(1, -(-len(contributions) // CONTRIBUTIONS_PER_PAGE))
    page = parse_int(request.args.get("page"), minimum=1, maximum=MAX_PAGE) or 1
    if page > pages:  # an old link after deletions, or a typed number: the last page, not an empty one
        return redirect(url_for("following.participation", page=pages) if pages > 1 else url_for("following.participation"))
    shown = contributions[(page - 1) * CONTRIBUTIONS_PER_PAGE:page * CONTRIBUTIONS_PER_PAGE]
    return render_template("account/participation.html", followed=followed, groups=by_project(shown),
                           total=len(contributions), page_number=page, pages=pages)
