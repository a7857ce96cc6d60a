"""The wish list for the regional event: a public body picks the initiatives it wants to meet and ranks them."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core.toolkit import (
    ConfirmForm, _, abort, can, current_user, db, flash, get_or_404, now, parse_int, redirect, render_template,
    request, require, url_for,
)

from .. import interest as machine
from ..forms import WishForm
from ..models import PUBLIC_BODY, Initiative, Organisation, Wish
from ..organisations import my_organisations
from . import bp, matchmaking_project


def wishes_of(org_id: int) -> list[Wish]:
    return list(db.session.scalars(
        select(Wish).options(joinedload(Wish.initiative)).where(Wish.organisation_id == org_id).order_by(Wish.rank, Wish.id)
    ).unique())


def _bodies(project):
    return [o for o in my_organisations(project) if o.kind == PUBLIC_BODY]


def _body(project, org_id) -> Organisation:
    body = next((o for o in _bodies(project) if o.id == org_id), None)
    if body is None:
        abort(404)
    return body


def _renumber(org_id: int) -> None:
    for rank, wish in enumerate(wishes_of(org_id), 1):
        wish.rank = rank


@bp.get("/wishlist")
def wishlist(slug):
    project = matchmaking_project(slug)
    decision = can(current_user, "wishlist.edit", project)
    bodies = _bodies(project)
    chosen = parse_int(request.args.get("as"))
    body = next((b for b in bodies if b.id == chosen), bodies[0] if bodies else None)
    wishes = wishes_of(body.id) if body else []
    form = WishForm()
    if body is not None:
        taken = {w.initiative_id for w in wishes}
        form.acting.choices = [(str(body.id), body.name)]
        form.initiative.choices = [(str(i.id), f"{i.name} ({i.organisation.name})") for i in db.session.scalars(
            select(Initiative).options(joinedload(Initiative.organisation))
            .where(Initiative.project_id == project.id).order_by(Initiative.name)
        ).unique() if i.id not in taken]
    return render_template("matchmaking/wishlist.html", project=project, decision=decision, bodies=bodies, body=body,
                           wishes=wishes, form=form, confirm=ConfirmForm(),
                           size=int(machine.phase_setting(project, "wishlist_size", 10)), current_tab="wishlist")


@bp.post("/wishlist")
def add_wish(slug):
    project = matchmaking_project(slug)
    require("wishlist.edit", project)
    body = _body(project, parse_int(request.form.get("acting")))
    initiative = get_or_404(Initiative, parse_int(request.form.get("initiative")) or 0, project)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    size = int(machine.phase_setting(project, "wishlist_size", 10))
    count = db.session.scalar(select(func.count(Wish.id)).where(Wish.organisation_id == body.id)) or 0
    if count >= size:
        flash(_("Your wish list is full (%(n)d entries). Remove one first.", n=size), "error")
    else:
        db.session.add(Wish(project_id=project.id, organisation_id=body.id, initiative_id=initiative.id, rank=count + 1,
                            created_at=now()))
        try:
            db.session.commit()
            flash(_("%(name)s is on your wish list.", name=initiative.name), "success")
        except IntegrityError:
            db.session.rollback()
    return redirect(url_for("matchmaking.wishlist", slug=slug, **{"as": body.id}))


@bp.post("/wishlist/<int:wish_id>/<any(up, down, remove):action>")
def change_wish(slug, wish_id, action):
    project = matchmaking_project(slug)
    require("wishlist.edit", project)
    wish = get_or_404(Wish, wish_id, project)
    body = _body(project, wish.organisation_id)
    if ConfirmForm().validate_on_submit():
        wishes = wishes_of(body.id)
        index = next(i for i, w in enumerate(wishes) if w.id == wish.id)
        if action == "remove":
            db.session.delete(wish)
            wishes.pop(index)
        else:
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(wishes):
                wishes[index], wishes[other] = wishes[other], wishes[index]
        for rank, entry in enumerate(wishes, 1):
            entry.rank = rank
        db.session.commit()
    return redirect(url_for("matchmaking.wishlist", slug=slug, **{"as": body.id}))
