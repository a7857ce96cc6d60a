"""Comments: threaded discussion on anything another plugin declares as an item type offering comments.

Agree/disagree, replies, editing while the phase runs, reports and moderation
(hide with a public reason, restore, moderator remarks, a log of every action).
Other plugins declare their things with the core's ``register_item_types``
(``ItemType(..., offers={"comments"})``) and use the public API in
:mod:`plugins.comments.api`; the older ``register_commentables`` hook still
works (see ``README.md``).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.toolkit import ProjectTab


@hookimpl
def add_hookspecs(plugin_manager):
    from . import hookspecs

    plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    from .models import MODELS

    return MODELS


@hookimpl
def register_notification_kinds(register):
    """Replies, comments on one's contributions, moderation of one's comments, reports (:mod:`.notifications`)."""
    from .forms import REPORT_REASONS
    from .notifications import kinds

    for kind in kinds(dict(REPORT_REASONS)):
        register(kind)


@hookimpl
def register_item_types(register):
    """Single comments, which the organisation can answer officially (:mod:`.items`)."""
    from .items import item_type

    register(item_type())


@hookimpl
def register_search_sources(register):
    """Comments in the site search (:mod:`.search`): never deleted ones, hidden ones only for moderators."""
    from .search import SOURCE

    register(SOURCE)


@hookimpl
def register_blueprints():
    from .views import bp, moderation_bp

    return [bp, moderation_bp]


@hookimpl
def register_exporters(register):
    from .exports import exporter

    register(exporter)


@hookimpl
def item_sections(item_type, item, user):
    """The discussion under an item whose owner offers comments (a challenge, say), on the item's own page."""
    from .api import thread_html
    from .targets import target_type

    if target_type(item_type) is None or getattr(item, "project", None) is None:
        return []
    return [thread_html(item_type, item.id, item.project)]


@hookimpl
def item_print_sections(item_type, items, user):
    """Each item's comments for a printed record, replies indented, all items' comments in one query (:mod:`.printing`)."""
    from .printing import print_sections

    return print_sections(item_type, items)


@hookimpl
def project_tabs(project):
    """A "Moderation" tab, for the project's moderators, initiators and admins only."""
    from flask_login import current_user

    from core.toolkit import can

    if can(current_user, "comment.moderate", project=project):
        return [ProjectTab("comments-moderation", _l("Moderation"), "comments_moderation.queue", order=900)]
    return []


@hookimpl
def check_permission(user, action, obj, project):
    from .permissions import check

    return check(user, action, obj, project)


@hookimpl
def user_contributions(user):
    """A person's comments, replies, ratings and reports (:mod:`.account`)."""
    from .account import contributions

    return contributions(user)


@hookimpl
def delete_user_data(user, mode):
    from .account import delete_data

    delete_data(user, mode)
