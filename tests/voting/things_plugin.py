"""A tiny test plugin that owns a votable item type, ``thing``, and knows nothing about voting's internals.

It registers its type through voting's ``register_votables`` hook (optional, so
it also runs without voting), lists things with ``item_fragments``, applies
sort options handed to it, and offers an export that voting adds columns to.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template_string, request
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import hookimpl
from core.extensions import db
from core.models import Project
from core.registry import Exporter
from core.toolkit import load_project

PLUGIN_NAME = "things"


class Thing(db.Model):
    __tablename__ = "things_thing"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    project: Mapped[Project] = relationship()


bp = Blueprint("things", __name__, url_prefix="/p/<slug>/things")

LIST = """{% extends "layout.html" %}
{% block content %}
<h1>Things</h1>
{% set fragments = item_fragments("thing", things) %}
<p>Sort: {% for option in sort_options %}<a href="?sort={{ option.key }}">{{ option.label }}</a>{% endfor %}</p>
<ul class="things">
{% for thing in things %}<li class="thing" id="thing-{{ thing.id }}"><h2>{{ thing.title }}</h2>{{ fragments.get(thing.id, "") }}</li>{% endfor %}
</ul>
{% endblock %}"""


@bp.get("")
def index(slug):
    project = load_project(slug)
    pm = current_app.extensions["mitsprache"].pm
    options = [o for opts in pm.hook.item_sort_options(item_type="thing", project=project) for o in opts]
    query = db.select(Thing).where(Thing.project_id == project.id)
    chosen = next((o for o in options if o.key == request.args.get("sort")), None)
    if chosen is not None:
        expression = chosen.expression(Thing.id)
        query = query.order_by(expression.desc() if chosen.descending else expression, Thing.id)
    else:
        query = query.order_by(Thing.id)
    things = db.session.scalars(query).all()
    return render_template_string(LIST, things=things, sort_options=options)


def load_things(ids):
    return {t.id: t for t in db.session.scalars(db.select(Thing).where(Thing.id.in_(ids)))}


@hookimpl(optionalhook=True)
def register_votables(register):
    from plugins.voting.api import Votable

    register(Votable("thing", "Things", load=load_things, endpoint="things.index"))


@hookimpl
def register_models():
    return [Thing]


@hookimpl
def register_blueprints():
    return [bp]


@hookimpl
def register_exporters(register):
    def rows(project):
        for thing in db.session.scalars(db.select(Thing).where(Thing.project_id == project.id).order_by(Thing.id)):
            yield [thing.id, thing.title]

    register(Exporter("things", "Things", headers=lambda project: ["id", "title"], rows=rows))
