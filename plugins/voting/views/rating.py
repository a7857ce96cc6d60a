"""Rating: casting a vote on an item of another plugin (``/voting``), and the rating phase's "Take part" link."""
from __future__ import annotations

from flask import Blueprint, abort, flash, get_template_attribute, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from core.toolkit import can, current_user, load_project, require, same_site_path, wants_fragment

from ..services import VOTE_ACTION, phase_context, rating
from ..targets import votables
from ..widgets import render_left, render_widgets

vote_bp = Blueprint("voting_vote", __name__, url_prefix="/voting")
rate_bp = Blueprint("voting_rate", __name__, url_prefix="/p/<slug>/rating")


@vote_bp.post("/vote/<item_type>/<int:item_id>")
def vote(item_type, item_id):
    """Set the current user's vote on an item: ``value`` 1 (support/up), -1 (down) or 0 (withdraw)."""
    votable = votables().get(item_type)
    if votable is None:
        abort(404)
    item = votable.load([item_id]).get(item_id)
    if item is None or not can(current_user, "project.view", item.project):
        abort(404)
    require(VOTE_ACTION, item)
    project = item.project
    phase = phase_context(project, VOTE_ACTION).phase
    mode = rating.mode_of(phase)
    try:
        value = int(request.form.get("value", ""))
    except ValueError:
        abort(400)
    if value not in ((0, 1) if mode == "support" else (-1, 0, 1)):
        abort(400)
    title = votable.title_of(item)
    error = None
    status = 200
    try:
        rating.set_vote(phase, item_type, item_id, current_user.id, value)
    except rating.VoteLimitReached as exc:
        status = 409
        error = ngettext(
            "You have used your %(num)d vote. Withdraw it to vote for this.",
            "You have used all %(num)d votes. Withdraw one to vote for this.",
            exc.limit,
        )
    except IntegrityError:  # only after repeated collisions; nothing was stored
        status = 409
        error = _("Your vote could not be saved. Please try again.")
    if wants_fragment():
        widgets = render_widgets(votable, [item], current_user, error=error)
        body = widgets.get(item_id, Markup(""))
        if status == 200:
            body += render_left(phase, current_user)
            body += Markup(_status_oob(_vote_message(mode, value, title)))
        response = make_response(body, status)
        response.vary.add("HX-Request")
        return response
    if error:
        flash(error, "error")
    else:
        flash(_vote_message(mode, value, title), "success")
    back = same_site_path(request.form.get("next")) or same_site_path(request.referrer)
    return redirect(back or url_for("projects.project", slug=project.slug))


def _status_oob(message: str) -> str:
    """The message for the page's live region, swapped in out of band."""
    return get_template_attribute("voting/_widget.html", "status_oob")(message)


def _vote_message(mode: str, value: int, title: str) -> str:
    if value == 0:
        return _("Your vote on “%(title)s” has been withdrawn.", title=title) if mode == "updown" else _(
            "You no longer support “%(title)s”.", title=title
        )
    if mode == "updown":
        return _("You rated “%(title)s” up.", title=title) if value == 1 else _("You rated “%(title)s” down.", title=title)
    return _("You support “%(title)s”.", title=title)


@rate_bp.get("")
def rate(slug):
    """The rating phase's "Take part" link: the list of the first votable item type that has one."""
    project = load_project(slug)
    for votable in votables().values():
        if votable.endpoint:
            return redirect(url_for(votable.endpoint, slug=project.slug))
    # No plugin offers a list to rate: the project page explains the phase.
    return redirect(url_for("projects.project", slug=project.slug))
