"""Wishes: during a ``wishes`` phase, participants pin short wishes to a project's wall.

The finished plugin of the tutorial in Mitsprache's docs/plugins.md. This
module is the plugin's table of contents: each hook hands the core one part
(docs/plugins.md describes every hook). Install the package, add ``"wishes"``
to ``plugins`` in the instance's config.toml and run ``mitsprache db upgrade``.
"""
from core.toolkit import Decision, PhaseKind, ProjectTab, _, _l, can, hookimpl, known_phases


@hookimpl
def register_phase_kinds(register):
    # What participants may do while a phase of this kind is active: the core checks it on every write.
    register(PhaseKind("wishes", label=_l("Wishes"), features={"wish.create"}, endpoint="wishes.index"))


@hookimpl
def register_models(register):
    from .models import Wish

    register(Wish)


@hookimpl
def register_blueprints(register):
    from .views import bp

    register(bp)


@hookimpl
def project_tabs(project):
    """A tab on projects with a ``wishes`` phase only, so tabs never lead to empty pages."""
    if any(phase.kind == "wishes" for phase in known_phases(project)):
        return [ProjectTab("wishes", _l("Wishes"), "wishes.index")]
    return []


@hookimpl
def check_permission(user, action, obj, project):
    """Taking a wish down: while wishes can be pinned, and only the person who pinned it."""
    if action != "wish.delete":
        return None
    if not (decision := can(user, "wish.create", project=project)):
        return decision  # log in first, or the dated reason why the wall is closed
    if obj.author_id != user.id:
        return Decision.deny(_("Only the person who pinned a wish can take it down."))
    return True
