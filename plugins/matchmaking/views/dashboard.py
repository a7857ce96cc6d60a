"""\"Your interests\": what the organisations a person acts for sent, received and are connected with."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from core.toolkit import ConfirmForm, _, current_user, db, flash, redirect, render_template, require, url_for

from .. import interest as machine
from ..catalogue import challenges_of, initiatives_of
from ..forms import PreferenceForm
from ..models import Connection, Interest, Introduction, Preference
from ..organisations import my_organisations
from . import bp, matchmaking_project
from .suggestions import suggestions_for, wants_suggestions


@bp.get("/dashboard")
def dashboard(slug):
    project = matchmaking_project(slug)
    require("project.view", project)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("matchmaking.dashboard", slug=slug)))
    mine = my_organisations(project)
    ids = [o.id for o in mine]
    days = machine.expiry_days(project)
    sent, received, connections, introductions = [], [], [], []
    if ids:
        interests = list(db.session.scalars(
            select(Interest).options(joinedload(Interest.sender), joinedload(Interest.receiver),
                                     joinedload(Interest.challenge), joinedload(Interest.initiative))
            .where(or_(Interest.sender_id.in_(ids), Interest.receiver_id.in_(ids)))
            .order_by(Interest.created_at.desc(), Interest.id.desc())
        ).unique())
        for interest in interests:
            if interest.sender_id in ids:
                sent.append((interest, machine.shown_state(interest, set(ids), days=days)))
            if interest.receiver_id in ids:
                state = machine.shown_state(interest, {interest.receiver_id}, days=days)
                if state is not None and state != "mutual":
                    received.append((interest, state))
        connections = list(db.session.scalars(
            select(Connection).options(joinedload(Connection.org_low), joinedload(Connection.org_high))
            .where(or_(Connection.org_low_id.in_(ids), Connection.org_high_id.in_(ids)))
            .order_by(Connection.created_at.desc())
        ).unique())
        introductions = list(db.session.scalars(
            select(Introduction).options(joinedload(Introduction.org_low), joinedload(Introduction.org_high))
            .where(Introduction.declined_at.is_(None),
                   or_(Introduction.org_low_id.in_(ids), Introduction.org_high_id.in_(ids)))
            .order_by(Introduction.created_at.desc())
        ).unique())
        connected = {frozenset((c.org_low_id, c.org_high_id)) for c in connections}
        introductions = [i for i in introductions if frozenset((i.org_low_id, i.org_high_id)) not in connected]
    suggestions = []
    show = wants_suggestions(current_user)
    if show:
        for org in mine:
            for challenge in challenges_of(org)[:3]:
                suggestions.append((challenge, "challenge", suggestions_for(project, "challenge", challenge, 3)))
            for initiative in initiatives_of(org)[:3]:
                suggestions.append((initiative, "initiative", suggestions_for(project, "initiative", initiative, 3)))
    preference = PreferenceForm(recommendations=show)
    return render_template(
        "matchmaking/dashboard.html", project=project, mine=mine, ids=set(ids), sent=sent, received=received,
        connections=connections, introductions=introductions, suggestions=suggestions,
        preference=preference, answer=ConfirmForm(), days=days,
        open_counts={o.id: machine.open_outgoing(o) for o in mine}, cap=machine.max_open(project),
        current_tab="dashboard",
    )


@bp.post("/preferences")
def preferences(slug):
    project = matchmaking_project(slug)
    require("recommendations.toggle", project)
    form = PreferenceForm()
    if form.validate_on_submit():
        row = db.session.scalar(select(Preference).where(Preference.user_id == current_user.id))
        if row is None:
            row = Preference(user_id=current_user.id)
            db.session.add(row)
        row.recommendations = bool(form.recommendations.data)
        db.session.commit()
        flash(_("Suggestions are shown.") if row.recommendations else _("Suggestions are switched off."), "success")
    return redirect(url_for("matchmaking.dashboard", slug=slug))
