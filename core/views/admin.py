"""Site administration: create projects, see installed plugins and the hooks they implement."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..forms import ProjectForm
from ..plugins import available_plugins, enabled_plugins
from ..services import DomainError, create_project
from ..toolkit import abort

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def admins_only():
    if not current_user.is_admin:
        abort(403)


@bp.get("/plugins")
def plugins():
    pm = current_app.extensions["mitsprache"].pm
    enabled = dict(enabled_plugins(pm))
    rows = []
    for name, info in sorted(available_plugins().items()):
        module = enabled.get(name)
        hooks = sorted(h.name for h in pm.get_hookcallers(module)) if module is not None else []
        rows.append({"name": name, "source": info.source, "enabled": module is not None, "hooks": hooks,
                     "doc": ((module.__doc__ or "").strip().splitlines() or [""])[0] if module else ""})
    return render_template("admin/plugins.html", rows=rows)


@bp.route("/projects/new", methods=["GET", "POST"])
def project_new():
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = create_project(
                form.slug.data, form.title.data.strip(), form.description.data or "",
                is_public=form.is_public.data, initiator=current_user, organisation=form.organisation.data or "",
            )
        except DomainError:
            form.slug.errors.append(_("This short name is taken."))
        else:
            db.session.commit()
            flash(_("The project has been created. Now add its phases."), "success")
            return redirect(url_for("manage.overview", slug=project.slug))
    return render_template("admin/project_new.html", form=form), 400 if form.errors else 200
