"""Marking interest and answering it, withdrawing; a connection's page and messages; answering introductions.

Every write works as a plain form post (redirect back, with a message) and,
for htmx, answers with the part of the page it replaces in place: the
interest panel of an item page, or one row of the dashboard.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from core.toolkit import (
    ConfirmForm, DomainError, _, abort, can, current_user, db, flash, get_or_404, parse_int, posting_limit, redirect,
    render_template, request, require, safe_next, url_for, wants_fragment,
)

from .. import interest as machine
from ..catalogue import challenges_of
from ..forms import InterestForm, MessageForm
from ..models import PUBLIC_BODY, Block, Challenge, Connection, Initiative, Interest, Introduction, Message, Organisation
from ..organisations import my_organisations
from . import bp, matchmaking_project

TARGETS = {"challenge": Challenge, "initiative": Initiative, "organisation": Organisation}


def _kind_of(item) -> str:
    if isinstance(item, Challenge):
        return "challenge"
    if isinstance(item, Initiative):
        return "initiative"
    return "organisation"


def item_url(item) -> str:
    kind = _kind_of(item)
    endpoint = {"challenge": "matchmaking.challenge", "initiative": "matchmaking.initiative",
                "organisation": "matchmaking.organisation"}[kind]
    return url_for(endpoint, slug=item.project.slug, item_id=item.id)


def panel(project, target: Organisation, item=None, *, form: InterestForm | None = None, error: str = "") -> dict[str, Any]:
    """Everything the interest panel shows about ``target`` for the current user, in four queries."""
    item = item if item is not None else target
    mine = my_organisations(project)
    eligible = [o for o in mine if (o.kind == PUBLIC_BODY) != (target.kind == PUBLIC_BODY)]
    ids = [o.id for o in eligible]
    rows = []
    if ids:
        interests = list(db.session.scalars(select(Interest).where(or_(
            and_(Interest.sender_id.in_(ids), Interest.receiver_id == target.id),
            and_(Interest.receiver_id.in_(ids), Interest.sender_id == target.id),
        ))))
        connections = {c.org_low_id if c.org_high_id == target.id else c.org_high_id: c for c in db.session.scalars(
            select(Connection).where(or_(
                and_(Connection.org_low_id.in_(ids), Connection.org_high_id == target.id),
                and_(Connection.org_high_id.in_(ids), Connection.org_low_id == target.id),
            )))}
        blocked = {b.blocker_id if b.blocked_id == target.id else b.blocked_id for b in db.session.scalars(
            select(Block).where(or_(and_(Block.blocker_id.in_(ids), Block.blocked_id == target.id),
                                    and_(Block.blocked_id.in_(ids), Block.blocker_id == target.id))))}
        days = machine.expiry_days(project)
        for org in eligible:
            outgoing = next((i for i in interests if i.sender_id == org.id), None)
            incoming = next((i for i in interests if i.receiver_id == org.id), None)
            out_state = machine.shown_state(outgoing, {org.id}, days=days) if outgoing else None
            in_state = machine.shown_state(incoming, {org.id}, days=days) if incoming else None
            connection = connections.get(org.id)
            can_send = (connection is None and org.id not in blocked and out_state not in ("no_answer",)
                        and in_state != "awaiting")
            visible = (connection is not None or org.id in blocked or in_state == "awaiting"
                       or out_state in ("no_answer", "expired"))
            rows.append({"org": org, "outgoing": outgoing, "out_state": out_state, "incoming": incoming,
                         "in_state": in_state, "connection": connection, "blocked": org.id in blocked,
                         "can_send": can_send, "visible": visible})
    senders = [row["org"] for row in rows if row["can_send"]]
    if form is None and senders:
        form = interest_form(project, target, item, senders)
    return {
        "target": target, "item": item, "kind": _kind_of(item), "rows": rows, "form": form if senders else None,
        "decision": can(current_user, "interest.mark", item), "own": target.id in {o.id for o in mine},
        "error": error, "answer": ConfirmForm(), "url": item_url(item),
        "days": machine.expiry_days(project),
    }


def interest_form(project, target, item, senders) -> InterestForm:
    form = InterestForm(formdata=request.form if request.method == "POST" else None)
    form.sender.choices = [(str(o.id), o.name) for o in senders]
    if target.kind != PUBLIC_BODY:  # a public body writes: it may name one of its challenges
        choices = [("", _("No particular challenge"))]
        for org in senders:
            choices += [(str(c.id), c.title if len(senders) == 1 else f"{org.name}: {c.title}") for c in challenges_of(org)]
        form.challenge.choices = choices
    else:
        form.challenge.choices = [("", "")]
        form.challenge.data = ""
    return form


def _target(project, target_kind: str, target_id: int):
    if target_kind not in TARGETS:
        abort(404)
    item = get_or_404(TARGETS[target_kind], target_id, project)
    org = item if isinstance(item, Organisation) else item.organisation
    return item, org


def _panel_response(project, org, item, *, status=200, **extra):
    return render_template("matchmaking/_interest.html", panel=panel(project, org, item, **extra), project=project), status


@bp.route("/interest/<target_kind>/<int:target_id>", methods=["GET", "POST"])
@posting_limit("MATCHMAKING_RATE_LIMIT")
def mark(slug, target_kind, target_id):
    project = matchmaking_project(slug)
    item, target = _target(project, target_kind, target_id)
    if request.method == "GET":
        return render_template("matchmaking/interest.html", project=project, panel=panel(project, target, item),
                               current_tab="dashboard")
    require("interest.mark", item)
    # Every organisation of mine on the other side may post: the state machine answers a second click,
    # a crossing interest (mutual) and a block; the panel only hides the form where it makes no sense.
    senders = [o for o in my_organisations(project) if (o.kind == PUBLIC_BODY) != (target.kind == PUBLIC_BODY)]
    form = interest_form(project, target, item, senders)
    if not form.validate_on_submit():
        message = _("Please check the form.")
        if wants_fragment():
            return _panel_response(project, target, item, status=400, form=form, error=message)
        flash(message, "error")
        return redirect(item_url(item))
    sender = db.session.get(Organisation, int(form.sender.data))
    challenge = item if isinstance(item, Challenge) else None
    challenge_id = parse_int(form.challenge.data)
    if challenge_id is not None and target.kind != PUBLIC_BODY:
        challenge = db.session.get(Challenge, challenge_id)
        if challenge is None or challenge.organisation_id != sender.id:
            challenge = None  # not the sender's own: ignore it
    initiative = item if isinstance(item, Initiative) else None
    try:
        result = machine.mark(sender, target, challenge=challenge, initiative=initiative,
                              message=form.message.data or "", author=current_user)
    except DomainError as error:
        if wants_fragment():
            return _panel_response(project, target, item, status=400, error=str(error))
        flash(str(error), "error")
        return redirect(item_url(item))
    if result.state == "mutual":
        text = _("You are interested in each other: you are connected now, and see each other's contact details.")
    else:
        text = _("Your interest has been sent to %(org)s. Only they and the organisers see it.", org=target.name)
    if wants_fragment():
        return _panel_response(project, target, item, error="", form=None)[0]
    flash(text, "success")
    return redirect(item_url(item))


def _answer_response(project, interest, next_url):
    """For htmx: the panel the answer was given in (item pages), else the dashboard row; otherwise a redirect."""
    if not wants_fragment():
        return redirect(next_url)
    panel_kind, panel_id = request.form.get("panel_kind"), request.form.get("panel_id", "")
    if panel_kind in TARGETS and panel_id.isdigit():
        item, org = _target(project, panel_kind, int(panel_id))
        return _panel_response(project, org, item)[0]
    return render_template("matchmaking/_received.html", project=project, interest=interest,
                           state=machine.shown_state(interest, {interest.receiver_id}, days=machine.expiry_days(project)),
                           answer=ConfirmForm())


@bp.post("/interests/<int:interest_id>/<any(accept, decline):choice>")
@posting_limit("MATCHMAKING_RATE_LIMIT")
def answer(slug, interest_id, choice):
    project = matchmaking_project(slug)
    interest = get_or_404(Interest, interest_id, project)
    require("interest.answer", interest)
    next_url = safe_next(request.form.get("next")) or url_for("matchmaking.dashboard", slug=slug)
    if not ConfirmForm().validate_on_submit():
        return redirect(next_url)
    try:
        result = machine.answer(interest, accept=choice == "accept", author=current_user)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(next_url)
    interest = db.session.get(Interest, interest_id)
    if not wants_fragment():
        if result.state == "mutual":
            flash(_("You are connected with %(org)s now and see each other's contact details.", org=interest.sender.name), "success")
        else:
            flash(_("Declined. %(org)s is not told; their request simply expires.", org=interest.sender.name), "success")
    return _answer_response(project, interest, next_url)


@bp.post("/interests/<int:interest_id>/withdraw")
def withdraw(slug, interest_id):
    project = matchmaking_project(slug)
    interest = get_or_404(Interest, interest_id, project)
    require("interest.withdraw", interest)
    next_url = safe_next(request.form.get("next")) or url_for("matchmaking.dashboard", slug=slug)
    if ConfirmForm().validate_on_submit():
        machine.withdraw(interest)
        flash(_("Your interest has been withdrawn."), "success")
    return redirect(next_url)


# ---------------------------------------------------------------------------
# A connection: both contact details, and a private message thread
# ---------------------------------------------------------------------------


def _acting(project, connection) -> Organisation:
    mine = [o for o in my_organisations(project) if o.id in (connection.org_low_id, connection.org_high_id)]
    if not mine:
        abort(404)
    return mine[0]


def _connection_page(project, connection, form=None, status=200):
    require("connection.view", connection)
    me = _acting(project, connection)
    messages = list(db.session.scalars(
        select(Message).where(Message.connection_id == connection.id).order_by(Message.created_at, Message.id)
    ))
    return render_template("matchmaking/connection.html", project=project, connection=connection, me=me,
                           other=connection.other(me.id), messages=messages, form=form or MessageForm(),
                           decision=can(current_user, "connection.message", connection),
                           current_tab="dashboard"), status


@bp.get("/connections/<int:connection_id>")
def connection(slug, connection_id):
    project = matchmaking_project(slug)
    found = get_or_404(Connection, connection_id, project)
    return _connection_page(project, found)


@bp.post("/connections/<int:connection_id>/messages")
@posting_limit("MATCHMAKING_RATE_LIMIT")
def message(slug, connection_id):
    project = matchmaking_project(slug)
    found = get_or_404(Connection, connection_id, project)
    require("connection.message", found)
    form = MessageForm()
    if not form.validate_on_submit():
        return _connection_page(project, found, form, 400)
    machine.post_message(found, _acting(project, found), form.body.data, author=current_user)
    flash(_("Your message has been sent."), "success")
    return redirect(url_for("matchmaking.connection", slug=slug, connection_id=connection_id) + "#messages")


# ---------------------------------------------------------------------------
# Introductions proposed by the organisers
# ---------------------------------------------------------------------------


@bp.post("/introductions/<int:introduction_id>/<any(accept, decline):choice>")
def answer_introduction(slug, introduction_id, choice):
    project = matchmaking_project(slug)
    intro = get_or_404(Introduction, introduction_id, project)
    require("introduction.answer", intro)
    if ConfirmForm().validate_on_submit():
        org = next(o for o in my_organisations(project) if o.id in (intro.org_low_id, intro.org_high_id))
        try:
            connection = machine.answer_introduction(intro, org, accept=choice == "accept")
        except DomainError as error:
            flash(str(error), "error")
        else:
            if connection is not None:
                flash(_("You are connected now and see each other's contact details."), "success")
            elif choice == "accept":
                flash(_("Accepted. You are connected as soon as the other side accepts too."), "success")
            else:
                flash(_("Introduction declined."), "success")
    return redirect(url_for("matchmaking.dashboard", slug=slug))
