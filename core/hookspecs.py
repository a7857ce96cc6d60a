"""The plugin API: every hook a Mitsprache plugin can implement.

A plugin is a module (or package) with functions decorated by ``core.hookimpl``
whose names match the specs below. Implement only the hooks you need::

    from core import hookimpl
    from core.registry import PhaseKind

    @hookimpl
    def register_phase_kinds(register):
        register(PhaseKind("brainstorm", label="Brainstorm", features={"note.create"}))

    @hookimpl
    def register_blueprints(register):
        from .views import bp
        register(bp)

Hooks fall in two groups. *Startup hooks* run once when ``create_app`` builds the
app; each receives a ``register`` callable to call once per thing it adds, and
what they register is kept for the app's lifetime. *Request hooks* run while
a page is rendered or a write is checked. ``docs/plugins.md`` documents each hook
with an example; ``tests/test_hookspecs.py`` fails if one is missing there or
has no ``test_hook_<name>`` test.
"""
from __future__ import annotations

from typing import Any, Callable

import pluggy

hookspec = pluggy.HookspecMarker("mitsprache")

# ---------------------------------------------------------------------------
# Startup hooks: called once per app, in create_app
# ---------------------------------------------------------------------------


@hookspec
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    """Add a plugin's own hook specifications so other plugins can implement them.

    Called before any other hook, so a plugin such as ``comments`` can offer
    ``register_commentables`` to the plugins that need it. Call
    ``plugin_manager.add_hookspecs(my_hookspecs_module)``.
    """


@hookspec
def register_models(register: Callable[[type], None]) -> None:
    """Register the SQLAlchemy model classes whose tables this plugin owns: ``register(Idea)``.

    Only tables of enabled plugins are created, so a disabled plugin leaves no
    table behind. Name tables with the plugin's prefix (``ideas_idea``) and never
    add columns to core tables. (Returning a list, ``return [Idea, Category]``,
    as older plugins do, works too.)
    """


@hookspec
def register_phase_kinds(register: Callable[[Any], None]) -> None:
    """Register the phase kinds this plugin offers by calling ``register(PhaseKind(...))``.

    A kind's ``features`` are the actions allowed while such a phase is active;
    the core's policy grants them (and explains why not) for every plugin alike.
    Example: ``register(PhaseKind("poll", label=_l("Poll"), features={"poll.answer"}))``.
    """


@hookspec
def register_blueprints(register: Callable[[Any], None]) -> None:
    """Mount Flask blueprints: ``register(bp)``. Use a ``url_prefix`` so static files and routes never collide.

    Example: ``register(Blueprint("ideas", __name__, url_prefix="/p/<slug>/ideas"))``.
    (Returning a list, as older plugins do, works too.)
    """


@hookspec
def register_item_types(register: Callable[[Any], None]) -> None:
    """Declare the things this plugin owns that other plugins act on: ``register(ItemType(...))``.

    Comments, voting and any future plugin find items here instead of knowing
    their owners. ``offers`` says what they may do with them::

        register(ItemType("idea", _l("Idea"), load=load_ideas, url=idea_url,
                          offers={"comments", "votes"}, visible=idea_visible))
    """


@hookspec
def register_notification_kinds(register: Callable[[Any], None]) -> None:
    """Declare what people can be notified of: ``register(NotificationKind(...))``.

    Then tell people, in the transaction of the event, with ``notify`` from the
    toolkit; the core keeps the inbox, the per-person choice (at once, daily
    digest, off), the e-mails and their delivery::

        register(NotificationKind("wishes.granted", _l("My wish was granted"), default="immediate",
                                  describe=lambda n: _("Your wish “%(wish)s” was granted.", wish=n.payload["title"])))
        ...
        notify("wishes.granted", [wish.author_id], project=project, item=wish, actor=current_user,
               title=wish.title, url=url_for("wishes.wall", slug=project.slug))
        db.session.commit()
    """


@hookspec
def register_search_sources(register: Callable[[Any], None]) -> None:
    """Declare what the site search finds: ``register(SearchSource(...))``, one per model.

    The core indexes the rows of ``model`` and keeps the index current on every
    write through the session; results are shown only to people who may see
    them (private projects, ``hidden`` documents and the items they belong to)::

        register(SearchSource("idea", _l("Idea"), Idea, load=load_ideas, url=idea_url, plural=_l("Ideas"),
                              document=lambda idea: SearchDocument(idea.project_id, idea.title,
                                                                   idea.description_text, hidden=idea.is_hidden)))
    """


@hookspec
def register_nav_items(register: Callable[[Any], None]) -> None:
    """Add links to the site navigation with ``register(NavItem(label, endpoint))``."""


@hookspec
def register_exporters(register: Callable[[Any], None]) -> None:
    """Offer downloadable tables with ``register(Exporter(key, label, headers, rows))``.

    The core serves each as CSV and XLSX at ``/p/<slug>/export/<key>.<csv|xlsx>``
    to the project's initiators, streams the rows, and lists the exporter on the
    project's management page. ``rows`` should be a generator.
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add click commands or groups to the ``mitsprache`` command line.

    Example: ``cli.add_command(ideas_group)`` gives ``mitsprache ideas …``. Use
    ``flask.cli.with_appcontext`` on commands that touch the database.
    """


# ---------------------------------------------------------------------------
# Request hooks: called while pages render and writes are checked
# ---------------------------------------------------------------------------


@hookspec
def project_tabs(project: Any) -> list[Any]:
    """Return :class:`core.registry.ProjectTab` entries to show on ``project``'s page.

    Called once per project page. Return an empty list when the project has no
    content of this plugin, so tabs never lead to empty pages.
    """


@hookspec
def manage_links(project: Any) -> list[Any]:
    """Return :class:`core.registry.ManageLink` entries for ``project``'s management page.

    Where a plugin's own settings pages for initiators go (categories, documents,
    poll builder), listed under "Modules" on ``/p/<slug>/manage``.
    """


@hookspec
def check_permission(user: Any, action: str, obj: Any, project: Any) -> bool | None:
    """Vote on whether ``user`` may do ``action`` (on ``obj`` in ``project``).

    Return ``False`` to deny (any plugin's False is final: a veto), ``True`` to
    grant an action the core does not know, or ``None`` to abstain. The core has
    already checked login, project visibility and, for actions a phase kind lists
    in its ``features``, that such a phase is active. Use it for ownership
    ("only the author edits a comment") and role rules. It may return a
    :class:`core.policy.Decision` to explain a denial.
    """


@hookspec
def item_fragments(item_type: str, items: list[Any], user: Any) -> dict[Any, Any] | None:
    """Render HTML to show beside items another plugin owns: vote buttons under ideas, say.

    Called once per list with all items, so a plugin loads what it needs in one
    query. Return ``{item.id: Markup(...)}`` for the items it has something for.
    Templates call ``item_fragments("idea", ideas)`` and print ``fragments[idea.id]``.
    """


@hookspec
def item_sections(item_type: str, item: Any, user: Any) -> list[Any]:
    """Return whole sections (``Markup``) to show at the bottom of an item's own page.

    Where :func:`item_fragments` adds small widgets beside items in lists, this adds
    what belongs on one item's page only: the comments plugin returns the item's
    discussion for item types that offer ``"comments"``. The owner's template calls
    ``{{ item_sections("challenge", challenge) }}``; nothing shows when no enabled
    plugin has anything for it.
    """


@hookspec
def item_print_sections(item_type: str, items: list[Any], user: Any) -> dict[Any, Any] | None:
    """Render what follows each of ``items`` in a printed record of them: its discussion, official responses.

    The commenting plugin's "draft with its discussion" page calls this once with
    every paragraph of a document, so load what you need in one query for all
    items, never one per item. Return ``{item.id: Markup(...)}`` for the items you
    have something for; the sections of several plugins are joined per item, in
    hook order. Write HTML for reading on paper: no forms or buttons, and leave
    out what the item's normal pages do not show ``user`` (hidden comments, say).
    The caller has already checked that ``user`` may see the items' project.
    """


@hookspec
def item_sort_options(item_type: str, project: Any) -> list[Any]:
    """Return :class:`core.registry.SortOption` entries for another plugin's list.

    Example: voting offers "most supported" for ideas; the ideas plugin only
    applies the SQL expression it is handed.
    """


@hookspec
def export_columns(export_key: str, project: Any) -> list[Any]:
    """Return :class:`core.registry.ExportColumn` entries to append to another plugin's export.

    Example: voting adds "supports" to the ideas export, computed in one query.
    """


@hookspec
def phase_results(project: Any, phase: Any) -> list[Any]:
    """Return :class:`core.registry.ResultSection` entries for an ended phase's public results page.

    Called once per results page (``/p/<slug>/results/<phase id>``) and summary
    report, for every phase whatever its kind: return ``[]`` for phases of other
    kinds. ``html`` is ``Markup`` the plugin rendered (its figures, as an
    accessible ``<table>`` or list with the numbers in text, readable without
    JavaScript and in print); ``order`` sorts the sections, ``key`` names one
    (``"commenting.chapters"``). Load what a section needs in a fixed number of
    queries, however many comments or ideas there are. The core fills ``plugin``.
    """


@hookspec
def seed_demo(demo: Any) -> None:
    """Add demo content for ``mitsprache init --demo``.

    ``demo`` is a :class:`core.demo.DemoBuilder` with ``demo.users``,
    ``demo.project(...)`` and ``demo.phase(...)`` helpers and ``demo.now``. Create
    phases in the past, present and future so every state can be seen.
    """


@hookspec
def template_context() -> dict[str, Any]:
    """Return extra variables available in every template (names prefixed with the plugin's)."""


# ---------------------------------------------------------------------------
# Account hooks: what a person contributed, their data download and deletion
# ---------------------------------------------------------------------------


@hookspec
def user_contributions(user: Any) -> list[Any]:
    """Return every contribution of ``user`` this plugin stores, as :class:`core.registry.Contribution` entries.

    Called for the "My participation" page and for the data download
    (DSGVO Art. 15 and 20), so include everything the person did that you keep
    under their account: comments, ideas, votes, answers, reports. Put every
    stored field into ``data``. Load them in a few queries, not one per row.
    Example::

        return [Contribution("wish", _l("Wish"), wish.project, wish.text[:80], wish.created_at,
                             url=wish_url(wish), data={"id": wish.id, "text": wish.text})
                for wish in db.session.scalars(select(Wish).where(Wish.author_id == user.id))]
    """


@hookspec
def delete_user_data(user: Any, mode: str) -> None:
    """Remove what this plugin stores about ``user``, whose account is being deleted (DSGVO Art. 17).

    ``mode`` is the deployment's choice (setting ``deleted_contributions``):
    ``"keep"``: contributions stay, shown as from a deleted account (the core
    replaces the name and address on the account itself), so remove only
    personal data beyond authorship (contact details, free-text answers meant
    for the organisers); ``"remove"``: remove the contributions too (where
    others replied, leave a placeholder so their replies keep their context).
    Runs in the core's transaction: do not commit. Example::

        if mode == "remove":
            db.session.execute(delete(Wish).where(Wish.author_id == user.id))
        db.session.execute(delete(Contact).where(Contact.user_id == user.id))
    """
