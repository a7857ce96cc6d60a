"""Ideas: participants submit ideas in an ``ideas`` phase; the ideas are discussed, filtered and exported.

Hooks implemented here (a table of contents; the work happens in the modules):

- ``register_models``: :mod:`.models` (``ideas_idea``, ``ideas_category``)
- ``register_phase_kinds``: the ``ideas`` kind (submit ideas, comment, rate comments)
- ``register_blueprints``: :mod:`.views` (``/p/<slug>/ideas``)
- ``project_tabs``: "Ideas" while the project has ideas or an ideas phase has started
- ``manage_links``: "Idea categories" on the project's management page
- ``check_permission``: authors edit/withdraw their own ideas while an ideas phase is active
- ``register_exporters``: the ``ideas`` table (:mod:`.exports`)
- ``register_item_types``: ideas, which people discuss (comments), support (voting, when enabled) and
  the organisation answers officially with a status (responses, when enabled)
- ``register_notification_kinds``: authors hear when the moderators hide or restore their idea
- ``register_search_sources``: ideas in the site search (:mod:`.search`)
- ``seed_demo``: :mod:`.demo`
- ``user_contributions``, ``delete_user_data``: a person's ideas in their data download, and what
  happens to them when the account is deleted (:mod:`.account`)
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.toolkit import ItemType, ManageLink, PhaseKind, ProjectTab

NEEDS = ["comments"]

KIND = "ideas"
FEATURES = frozenset({"idea.create", "comment.create", "comment.rate"})
OWNER_ACTIONS = {"idea.edit", "idea.delete"}


@hookimpl
def register_models():
    from .models import Category, Idea

    return [Category, Idea]


@hookimpl
def register_phase_kinds(register):
    register(
        PhaseKind(
            KIND,
            label=_l("Ideas"),
            features=FEATURES,
            description=_l("Participants submit ideas, filed under categories, and discuss them."),
            endpoint="ideas.index",
        )
    )


@hookimpl
def register_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def project_tabs(project):
    from core.toolkit import db, known_phases, now, PhaseState

    from .models import Idea

    at = now()
    started = any(p.kind == "ideas" and p.state(at) is not PhaseState.UPCOMING for p in known_phases(project))
    if started or db.session.scalar(db.select(Idea.id).where(Idea.project_id == project.id).limit(1)) is not None:
        return [ProjectTab("ideas", _l("Ideas"), "ideas.index", order=20)]
    return []


@hookimpl
def manage_links(project):
    from core.toolkit import known_phases

    if not any(p.kind == "ideas" for p in known_phases(project)):
        return []
    return [ManageLink(_l("Idea categories"), "ideas.categories",
                       _l("Add, rename and remove the categories participants file their ideas under"), order=20)]


@hookimpl
def check_permission(user, action, obj, project):
    from core.toolkit import Decision, participation_decision

    from .models import Idea

    if action.startswith("comment.") and isinstance(obj, Idea) and obj.is_hidden:
        return Decision(False, _("This idea was hidden by moderation."), "forbidden")
    if action in ("comment.create", "comment.rate"):
        # Ideas are discussed during an ideas phase, not during a later commenting phase of the project.
        from plugins.comments.api import phase_bound

        return phase_bound(action, obj, project, kinds={KIND}, types={"idea"}, models=(Idea,))
    if action not in OWNER_ACTIONS:
        return None
    if not isinstance(obj, Idea):
        return Decision(False, _("You are not allowed to do this."), "forbidden")
    if not getattr(user, "is_authenticated", False):
        return Decision(False, _("Please log in to participate."), "login")
    if obj.author_id != user.id:
        return Decision(False, _("Only its author may change an idea."), "forbidden")
    if obj.is_hidden:
        return Decision(False, _("This idea was hidden by moderation and cannot be changed."), "forbidden")
    decision = participation_decision("idea.create", project)
    return True if decision else decision


@hookimpl
def register_exporters(register):
    from .exports import EXPORTER

    register(EXPORTER)


@hookimpl
def register_notification_kinds(register):
    """"The moderators hid my idea" (:mod:`.notifications`)."""
    from .notifications import KINDS

    for kind in KINDS:
        register(kind)


@hookimpl
def register_item_types(register):
    from .models import REVIEW_STATUSES, Idea
    from .services import idea_url, idea_visible, load_ideas

    # "responses": the organisation answers ideas officially and gives them a status (review_status).
    register(ItemType("idea", _l("Idea"), load=load_ideas, url=idea_url, title=lambda idea: idea.title,
                      visible=idea_visible, hidden=lambda idea: idea.is_hidden,
                      offers={"comments", "votes", "responses"},
                      owner=lambda idea: idea.author_id,
                      statuses=REVIEW_STATUSES, status=lambda idea: idea.review_status,
                      set_status=Idea.set_review_status,
                      plural=_l("Ideas"), endpoint="ideas.index"))


@hookimpl
def register_search_sources(register):
    """Ideas in the site search (:mod:`.search`)."""
    from .search import SOURCE

    register(SOURCE)


@hookimpl
def seed_demo(demo):
    from .demo import seed

    seed(demo)


@hookimpl
def user_contributions(user):
    """A person's ideas (:mod:`.account`)."""
    from .account import contributions

    return contributions(user)


@hookimpl
def delete_user_data(user, mode):
    from .account import delete_data

    delete_data(user, mode)


@hookimpl
def phase_results(project, phase):
    """What became of the ideas, on the results page of an idea phase."""
    if phase.kind != KIND:
        return []
    from .results import sections

    return sections(project, phase)
