"""The wish wall: read it any time, pin a wish while a ``wishes`` phase is active."""
from flask import Blueprint, flash, redirect, render_template, request, url_for

from core.toolkit import can, current_user, db, load_project, require

from .models import Wish

bp = Blueprint("wishes", __name__, url_prefix="/p/<slug>/wishes")


@bp.get("")
def wall(slug):
    project = load_project(slug)
    wishes = db.session.scalars(db.select(Wish).where(Wish.project_id == project.id).order_by(Wish.id.desc())).all()
    return render_template("wishes/wall.html", project=project, wishes=wishes,
                           decision=can(current_user, "wish.create", project))


@bp.post("")
def pin(slug):
    project = load_project(slug)
    require("wish.create", project)  # refused outside the phase, with the dated reason
    text = request.form.get("text", "").strip()
    if not 1 <= len(text) <= 140:
        flash("A wish has 1 to 140 characters.", "error")
    else:
        db.session.add(Wish(project_id=project.id, author_id=current_user.id, text=text))
        db.session.commit()
    return redirect(url_for("wishes.wall", slug=slug))
