"""The kinds of notification: the core's own two, and every enabled plugin's (``register_notification_kinds``)."""
from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..registry import NotificationKind

PHASE_OPENS = "core.phase_opens"
PHASE_CLOSES = "core.phase_closes"


def _phase_opens(notification) -> str:
    return _("The phase “%(phase)s” of “%(project)s” has started.",
             phase=notification.payload.get("phase_title", ""), project=notification.payload.get("project_title", ""))


def _phase_closes(notification) -> str:
    return _("The phase “%(phase)s” of “%(project)s” ends on %(when)s.",
             phase=notification.payload.get("phase_title", ""),
             project=notification.payload.get("project_title", ""), when=_end_of(notification))


def _end_of(notification) -> str:
    from datetime import datetime

    from ..timefmt import format_moment

    raw = notification.payload.get("end")
    try:
        return format_moment(datetime.fromisoformat(raw)) if raw else ""
    except ValueError:
        return ""


CORE_KINDS = (
    NotificationKind(PHASE_OPENS, _l("A phase of a project I follow starts"), describe=_phase_opens,
                     audience=_l("Sent to the people who follow the project."), order=10),
    NotificationKind(PHASE_CLOSES, _l("A phase of a project I follow ends in 3 days"), describe=_phase_closes,
                     audience=_l("Sent to the people who follow the project."), order=11),
)


def collect_notification_kinds(state) -> None:
    """Fill ``state.registry.notification_kinds``: the core's kinds, then each plugin's, each remembering its plugin."""
    kinds = state.registry.notification_kinds

    def register(kind: NotificationKind, plugin: str) -> None:
        if not isinstance(kind, NotificationKind):
            raise TypeError(f"register_notification_kinds: expected a NotificationKind, got {kind!r}")
        if kind.name in kinds:
            raise RuntimeError(f"notification kind {kind.name!r} registered twice")
        kinds[kind.name] = replace(kind, plugin=plugin)

    for kind in CORE_KINDS:
        register(kind, "core")
    for impl in state.pm.hook.register_notification_kinds.get_hookimpls():
        impl.function(register=lambda kind, _name=impl.plugin_name: register(kind, _name))


def notification_kinds(app=None) -> dict:
    """The registered kinds by name, in the order of the settings page."""
    from flask import current_app

    registry = (app or current_app).extensions["mitsprache"].registry
    return dict(sorted(registry.notification_kinds.items(), key=lambda item: (item[1].order, item[0])))
