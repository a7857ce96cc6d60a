"""A project's wish wall: everyone who may see the project reads it; participants pin wishes during a wishes phase."""
from core.toolkit import (
    Blueprint, _, _l, can, current_user, db, flash, get_or_404, known_phases, load_project, redirect, render_template,
    request, require, url_for,
)

from .models import Wish

bp = Blueprint("wishes", __name__, url_prefix="/p/<slug>/wishes")
COLOURS = {"yellow": _l("Yellow"), "green": _l("Green"), "blue": _l("Blue")}


@bp.get("")
def index(slug):
    project = load_project(slug)  # 404 if missing, or private and not yours
    wishes = db.session.scalars(
        db.select(Wish).where(Wish.project_id == project.id).order_by(Wish.id.desc())
    ).all()
    phases = [phase for phase in known_phases(project) if phase.kind == "wishes"]
    return render_template("wishes/index.html", project=project, wishes=wishes, phases=phases, colours=COLOURS,
                           decision=can(current_user, "wish.create", project))


@bp.post("")
def create(slug):
    project = load_project(slug)
    require("wish.create", project)  # every write is checked on the server: 403 with the reason, or to the login
    text, colour = request.form.get("text", "").strip(), request.form.get("colour", "yellow")
    if 1 <= len(text) <= 140 and colour in COLOURS:
        db.session.add(Wish(project_id=project.id, author_id=current_user.id, text=text, colour=colour))
        db.session.commit()
    else:
        flash(_("A wish has 1 to 140 characters."), "error")
    return redirect(url_for("wishes.index", slug=slug))


@bp.post("/<int:wish_id>/delete")
def take_down(slug, wish_id):
    project = load_project(slug)
    wish = get_or_404(Wish, wish_id, project)
    require("wish.delete", wish)  # decided by check_permission in __init__.py
    db.session.delete(wish)
    db.session.commit()
    flash(_("Your wish was taken down."), "success")
    return redirect(url_for("wishes.index", slug=slug))
