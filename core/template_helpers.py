"""Functions and values every template can use: ``can``, ``format_moment``, navigation …"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from .clock import now
from .policy import can as policy_can
from .policy import known_phases
from .publication import unpublished_states
from .sanitize import excerpt
from .timefmt import format_day, format_moment


def can(action, obj=None, project=None):
    """``{% if can("comment.create", paragraph) %}`` for the current user."""
    return policy_can(current_user, action, obj, project=project)


def item_fragments(item_type, items):
    """Collect every plugin's fragments for ``items``: ``{item.id: Markup}``, one hook call per list."""
    return _per_item("item_fragments", item_type, items)


def item_print_sections(item_type, items):
    """Every plugin's print sections for ``items`` (discussions, responses): ``{item.id: Markup}``, one hook call."""
    return _per_item("item_print_sections", item_type, items)


def _per_item(hook_name, item_type, items):
    """Call a per-list hook once and join the plugins' HTML per item, in hook (registration) order."""
    items = list(items)
    merged: dict = {}
    if not items:
        return merged
    hook = getattr(current_app.extensions["mitsprache"].pm.hook, hook_name)
    for result in reversed(hook(item_type=item_type, items=items, user=current_user)):
        for key, html in (result or {}).items():
            merged[key] = Markup(merged.get(key, "")) + Markup(html)
    return merged


def item_sections(item_type, item):
    """Every plugin's sections for ``item``'s own page (a discussion, say), in hook order, as one Markup."""
    if item is None:
        return Markup("")
    pm = current_app.extensions["mitsprache"].pm
    results = reversed(pm.hook.item_sections(item_type=item_type, item=item, user=current_user))
    return Markup("").join(Markup(section) for result in results for section in (result or []))


def project_tabs(project):
    """The project's tabs from every plugin's ``project_tabs`` hook, once per request."""
    cache = g.setdefault("_mitsprache_tabs", {})
    if project.id not in cache:
        pm = current_app.extensions["mitsprache"].pm
        cache[project.id] = sorted((t for tabs in pm.hook.project_tabs(project=project) for t in tabs), key=lambda t: t.order)
    return cache[project.id]


def manage_links(project):
    """Links to plugins' management pages for ``project``."""
    pm = current_app.extensions["mitsprache"].pm
    return sorted((l for links in pm.hook.manage_links(project=project) for l in links), key=lambda l: l.order)


def plugin_stylesheets():
    """``static/style.css`` of each enabled plugin that has one, by convention."""
    dirs = current_app.config["PLUGIN_STATIC_DIRS"]
    return [
        url_for("plugin_static", plugin=name, filename="style.css")
        for name, folder in dirs.items()
        if (Path(folder) / "style.css").is_file()
    ]


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(excerpt, "excerpt")
    app.add_template_global(project_tabs)
    app.add_template_global(manage_links)
    app.add_template_global(can)
    app.add_template_global(item_fragments)
    app.add_template_global(item_sections)
    app.add_template_global(item_print_sections)
    app.add_template_global(known_phases)
    app.add_template_global(unpublished_states)
    app.add_template_global(now)
    from . import page_frame

    page_frame.init_app(app)  # csrf_token() and the unread count: frame-aware (core/page_frame.py)

    @app.context_processor
    def core_context():
        state = current_app.extensions["mitsprache"]
        context = {
            "site_name": current_app.config.get("SITE_NAME", "Mitsprache"),
            "nav_items": state.registry.nav_items,
            "phase_kinds": state.registry.phase_kinds,
            "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
            "languages": current_app.config["LANGUAGES"],
            "plugin_stylesheets": plugin_stylesheets,
        }
        for extra in state.pm.hook.template_context():
            context.update(extra or {})
        return context
