"""Who may edit, delete, report, rate and moderate comments (the ``check_permission`` hook).

``comment.create`` and ``comment.rate`` are participation actions: phase kinds of
other plugins list them in their ``features`` and the core grants them only
while such a phase is active. This module adds the rules the core cannot know.
"""
from __future__ import annotations

from flask_babel import gettext as _

from core.toolkit import can, Decision, has_role, Role

from .models import VISIBLE, Comment

OWN_ACTIONS = ("comment.edit", "comment.delete")


def _login() -> Decision:
    return Decision(False, _("Please log in to participate."), "login")


def check(user, action: str, obj, project) -> bool | Decision | None:
    if not action.startswith("comment."):
        return None
    logged_in = getattr(user, "is_authenticated", False)
    if action == "comment.moderate":
        if project is None:
            return None
        if not logged_in:
            return _login()
        if has_role(user, project, Role.INITIATOR, Role.MODERATOR):
            return True
        return Decision(False, _("Only the project's moderators can do this."), "forbidden")
    if action in OWN_ACTIONS:
        if not logged_in:
            return _login()
        if not isinstance(obj, Comment) or obj.author_id != user.id:
            return Decision(False, _("You can only change your own comments."), "forbidden")
        if obj.status != VISIBLE:
            return Decision(False, _("This comment can no longer be changed."), "forbidden")
        # Editing and deleting follow the participation phase, with its dated explanation.
        decision = can(user, "comment.create", obj, project=project)
        return True if decision else decision
    if action == "comment.report":
        if not logged_in:
            return _login()
        if isinstance(obj, Comment):
            if obj.author_id == user.id:
                return Decision(False, _("You cannot report your own comment."), "forbidden")
            if obj.status == "deleted":
                return Decision(False, _("This comment was deleted."), "forbidden")
        return True
    if action == "comment.rate" and isinstance(obj, Comment):
        if logged_in and obj.author_id == user.id:
            return Decision(False, _("You cannot rate your own comment."), "forbidden")
        if obj.status != VISIBLE:
            return Decision(False, _("This comment cannot be rated."), "forbidden")
    return None
