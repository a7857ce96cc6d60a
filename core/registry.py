"""Small value objects that plugins hand to the core through registration hooks.

Hooks receive a ``register`` callable and call it with one of these. The core
collects them once per app into a :class:`Registry` (``app.extensions
["mitsprache"].registry``), so requests never re-run registration hooks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class PhaseSetting:
    """A per-phase setting an initiator fills in on the phase form.

    ``type`` is ``"bool"``, ``"int"`` or ``"choice"`` (then ``choices`` lists
    ``(value, label)`` pairs). Values are stored in ``Phase.settings``.
    """

    name: str
    label: Any
    type: str = "int"
    default: Any = None
    choices: tuple[tuple[str, Any], ...] = ()
    help: Any = ""
    min: int | None = None


@dataclass(frozen=True)
class PhaseKind:
    """A kind of phase, e.g. ``commenting`` or ``ideas``.

    ``features`` are the actions (``"comment.create"``) that become possible while
    a phase of this kind is active; ``core.policy.can`` grants them from here.
    ``endpoint`` is the view participants go to for this phase; it is called with
    ``slug=<project slug>``.
    """

    name: str
    label: Any
    features: frozenset[str] = frozenset()
    description: Any = ""
    endpoint: str | None = None
    settings: tuple[PhaseSetting, ...] = ()
    plugin: str = ""

    def setting(self, phase, name: str) -> Any:
        """A phase's value for setting ``name``, falling back to the default."""
        for spec in self.settings:
            if spec.name == name:
                return (phase.settings or {}).get(name, spec.default)
        raise KeyError(name)


@dataclass(frozen=True)
class NavItem:
    """A link in the site navigation. ``endpoint`` is passed to ``url_for``."""

    label: Any
    endpoint: str
    order: int = 100
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectTab:
    """A tab on a project's page; ``endpoint`` is called with ``slug=``."""

    key: str
    label: Any
    endpoint: str
    order: int = 100


@dataclass(frozen=True)
class ManageLink:
    """A link on a project's management page; ``endpoint`` is called with ``slug=``."""

    label: Any
    endpoint: str
    description: Any = ""
    order: int = 100


@dataclass(frozen=True)
class SortOption:
    """A sort order a plugin offers for another plugin's list.

    ``expression(id_column)`` returns a SQL expression to order by, typically a
    correlated subquery over the plugin's own table, so the list's owner never
    touches that table.
    """

    key: str
    label: Any
    expression: Callable[[Any], Any]
    descending: bool = True


@dataclass(frozen=True)
class ExportColumn:
    """Extra columns a plugin adds to another plugin's export.

    ``values`` maps the exported item's id to the cell value; computed once per
    export with one query, never per row.
    """

    header: str
    values: dict[Any, Any]
    default: Any = 0


class TimeHeader(str):
    """A column header that says its cells are moments; the XLSX export then names the time zone in it.

    Exporters wrap the headers of their time columns with :func:`time_header`,
    so the XLSX header states the zone even when the first rows have no value
    (a "last edited" column is mostly empty).
    """


def time_header(label: Any) -> TimeHeader:
    """Mark ``label`` (a translated string) as the header of a column of moments."""
    return TimeHeader(str(label))


@dataclass(frozen=True)
class Exporter:
    """A downloadable table of a project's data (CSV and XLSX come for free).

    ``rows(project)`` yields lists of cells and may be a generator over a
    streamed query: the core writes them out without holding them all.
    ``headers(project)`` is called in the reader's language: return translated
    words (``gettext``), wrap time columns in :func:`time_header`. Cells are
    written for people: titles and numbers they can find on the site, states as
    translated words; ``True``/``False`` become "yes"/"no" and moments are shown
    in the deployment's time zone by the core.
    """

    key: str
    label: Any
    headers: Callable[[Any], list[str]]
    rows: Callable[[Any], Iterable[list[Any]]]
    plugin: str = ""
    #: False when the first cell is an internal key (an option's database id): it still
    #: matches other plugins' ``export_columns``, but people never see it, and
    #: ``headers`` lists only the columns after it.
    id_column: bool = True


@dataclass(frozen=True)
class ItemType:
    """A kind of thing a plugin owns and other plugins act on: a paragraph, an idea, a challenge.

    The owner registers it once (``register_item_types``); every plugin that
    works on other plugins' things (comments, voting, official responses,
    search) reads the same registry, so none of them knows its owners.

    ``type`` is a short name used in URLs and tables ("idea"); ``label`` and
    ``plural`` are (lazy) translated nouns. ``load(ids)`` returns ``{id: item}``
    for the items that exist, in one query, each with ``.project``;
    ``url(item)`` links to where the item is shown (with an anchor).

    Optional: ``title(item)`` names one item for people ("Idea: Mehr Bäume");
    ``hidden(item)`` says the owner's moderators took it out of participation
    (nobody rates it any more, its votes stop counting); ``visible(item)`` says
    whether the current user may see it (default: anyone who may see its
    project; an idea hidden by moderators says no except to them, and then its
    discussion is hidden too); ``offers`` names what other
    plugins may do with such items ("comments": people discuss them; "votes":
    they can be rated in a rating phase); ``endpoint`` is the list view (called
    with ``slug=``) that leads to the items; ``export_key`` the owner's
    :class:`Exporter` whose rows start with the item id (default: ``type + "s"``).

    A status the organisation gives the items after a consultation ("accepted",
    "rejected") is the owner's data, kept on its own rows; it declares
    ``statuses`` (``(value, label)`` pairs), ``status(item)`` (the stored value
    or None) and ``set_status(item, value)`` (changes the item in the session;
    the caller commits). The official responses offer the status choice then,
    with the response text as its reason::

        ItemType("idea", ..., offers={"comments", "responses"},
                 statuses=(("accepted", _l("Accepted")), ("rejected", _l("Rejected"))),
                 status=lambda idea: idea.review_status, set_status=set_idea_status)
    """

    type: str
    label: Any
    load: Callable[[list[int]], dict[int, Any]]
    url: Callable[[Any], str]
    title: Callable[[Any], str] | None = None
    visible: Callable[[Any], bool] | None = None
    hidden: Callable[[Any], bool] | None = None
    offers: frozenset[str] = frozenset()
    plural: Any = None
    endpoint: str | None = None
    export_key: str | None = None
    #: ``owner(item)``: the id of the person the item belongs to (its author), who is told of reactions to it.
    owner: Callable[[Any], int | None] | None = None
    statuses: tuple[tuple[str, Any], ...] = ()
    status: Callable[[Any], str | None] | None = None
    set_status: Callable[[Any, str | None], None] | None = None
    #: ``cache_scope(item_id)``: where the item sits below its project for cached pages
    #: ("commenting.document:2/chapter:3/paragraph:5"; default ``"<type>:<id>"``), see core/cache_scopes.py.
    cache_scope: Callable[[int], str] | None = None
    plugin: str = ""

    def title_of(self, item: Any) -> str:
        if self.title is not None:
            return str(self.title(item))
        return str(getattr(item, "title", "") or "")

    @property
    def has_statuses(self) -> bool:
        """Whether the owner lets the organisation give its items a status."""
        return bool(self.statuses) and self.status is not None and self.set_status is not None

    def status_of(self, item: Any) -> str | None:
        """The item's status value, or None (none given yet, or the owner keeps no statuses)."""
        return self.status(item) if self.status is not None else None

    def status_label(self, value: str | None) -> str:
        """The translated label of a status value ("" for none or an unknown value)."""
        return str(dict(self.statuses).get(value, "")) if value else ""

    @property
    def exports_as(self) -> str:
        return self.export_key or f"{self.type}s"

    def load_active(self, ids: list[int]) -> dict[int, Any]:
        """Like ``load``, without the items the owner's moderators took out of participation."""
        items = self.load(ids)
        if self.hidden is None:
            return items
        return {ident: item for ident, item in items.items() if not self.hidden(item)}


@dataclass(frozen=True)
class Contribution:
    """One thing a person contributed, as their "My participation" page and their data download show it.

    Plugins return these from the ``user_contributions`` hook. ``kind`` is a
    stable key for the download ("comment", "idea", "vote"), ``label`` the
    translated noun people read ("Comment"); ``project`` the
    :class:`~core.models.Project` it belongs to (None for none); ``title`` what it
    says in a line (an idea's title, the start of a comment); ``url`` where it
    is shown, if anywhere; ``data`` everything stored about it, as JSON-ready
    values (text, numbers, booleans, lists, dicts; datetimes are written in ISO
    format), for the download::

        Contribution("idea", _l("Idea"), idea.project, idea.title, idea.created_at,
                     url=idea_url(idea), data={"id": idea.id, "title": idea.title,
                                               "description": idea.description_text})
    """

    kind: str
    label: Any
    project: Any
    title: str
    created_at: Any
    url: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    plugin: str = ""


@dataclass(frozen=True)
class ResultSection:
    """One block of figures on a phase's public results page, from the ``phase_results`` hook.

    ``title`` is the section's heading (translated), ``html`` the ``Markup`` the
    plugin rendered (a table or list with every number in text, no JavaScript,
    no meaning carried by colour alone), ``order`` where it goes (lower first),
    ``key`` a stable name prefixed with the plugin's (``"voting.polls"``)::

        ResultSection(_("Ideas by status"), Markup(render_template("ideas/_results.html", ...)),
                      order=20, key="ideas.status")

    ``plugin`` is filled in by the core with the name of the plugin that returned it.
    """

    title: Any
    html: Any
    order: int = 100
    key: str = ""
    plugin: str = ""


@dataclass(frozen=True)
class NotificationKind:
    """Something people can be told about: "a reply to my comment", "the phase opens".

    ``name`` is stored with every notification (``"comments.reply"``: prefix it
    with the plugin's name); ``label`` names the kind on the notification
    settings page ("Replies to my comments"); ``default`` is how people hear of
    it until they choose: ``"immediate"`` (an e-mail at once), ``"digest"``
    (the daily digest, grouped by project) or ``"off"`` (only the inbox).
    Keep ``immediate`` for what a person must act on, or the site floods them.

    ``describe(notification)`` returns the one line people read in the inbox and
    the e-mail, in the current language, from what was stored: call
    ``gettext`` inside it (not at registration) and read ``notification.payload``
    (a dict) and ``notification.actor`` (who did it, or None)::

        NotificationKind("wishes.granted", _l("My wish was granted"), default="immediate",
                         describe=lambda n: _("%(name)s granted your wish “%(wish)s”.",
                                              name=n.actor.display_name, wish=n.payload["title"]))

    ``audience`` says on the settings page who receives it ("Sent to the
    project's moderators"); empty for "what happens to my own contributions".
    A notification links to ``payload["url"]`` (a path on this site), if given.
    """

    name: str
    label: Any
    default: str = "digest"
    describe: Callable[[Any], str] | None = None
    audience: Any = ""
    order: int = 100
    plugin: str = ""

    def __post_init__(self) -> None:
        if self.default not in ("immediate", "digest", "off"):
            raise ValueError(f"NotificationKind {self.name!r}: default must be 'immediate', 'digest' or 'off'")

    def text(self, notification: Any) -> str:
        """The kind's sentence for one notification (its label when it has no ``describe``)."""
        if self.describe is None:
            return str(self.label)
        return str(self.describe(notification))


@dataclass(frozen=True)
class SearchDocument:
    """What the site search knows of one item: the words it is found by and who may find it.

    ``project_id`` is the project it belongs to (a private project's documents
    are found only by its members); ``title`` and ``text`` are plain text,
    ``html`` is sanitized HTML whose tags are stripped before indexing.
    ``hidden``: the project's moderators took it out of participation, so only
    they find it. ``within``: ``(item_type, item_id)`` of the item it belongs
    to (a comment's idea); when that one is hidden, this is hidden too.
    """

    project_id: int
    title: str = ""
    text: str = ""
    html: str = ""
    hidden: bool = False
    within: tuple[str, int] | None = None


@dataclass(frozen=True)
class SearchSource:
    """A kind of thing the site search finds (``register_search_sources``).

    ``model`` is the SQLAlchemy model whose rows are the items: the core keeps
    the index current on every insert, update and delete of it (also bulk
    ``update()``/``delete()`` statements through the session), so no view or
    service has to remember to. ``document(item)`` returns the item's
    :class:`SearchDocument`, or None when it should not be found at all (a
    deleted comment). ``load(ids)`` returns ``{id: item}`` in one query and
    ``url(item)`` links to it; ``title(item)`` names it on the result page
    (default: the indexed title). ``rows()`` is the query (re)indexing reads
    (default: every row of ``model``). ``label`` and ``plural`` are translated
    nouns ("Idea", "Ideas")::

        SearchSource("idea", _l("Idea"), Idea, document=lambda idea: SearchDocument(
            idea.project_id, idea.title, idea.description_text, hidden=idea.is_hidden),
            load=load_ideas, url=idea_url, plural=_l("Ideas"))
    """

    type: str
    label: Any
    model: type
    document: Callable[[Any], SearchDocument | None]
    load: Callable[[list[int]], dict[int, Any]]
    url: Callable[[Any], str]
    title: Callable[[Any], str] | None = None
    rows: Callable[[], Any] | None = None
    plural: Any = None
    plugin: str = ""


@dataclass
class Registry:
    """Everything the enabled plugins registered, collected at startup."""

    phase_kinds: dict[str, PhaseKind] = field(default_factory=dict)
    nav_items: list[NavItem] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    item_types: dict[str, ItemType] = field(default_factory=dict)
    notification_kinds: dict[str, NotificationKind] = field(default_factory=dict)
    search_sources: dict[str, SearchSource] = field(default_factory=dict)

    def items_offering(self, capability: str) -> dict[str, ItemType]:
        """The item types whose owners let other plugins do ``capability`` ("comments", "votes")."""
        return {name: item for name, item in self.item_types.items() if capability in item.offers}

    @property
    def participation_actions(self) -> frozenset[str]:
        """Every action that some phase kind grants; these are phase-bound."""
        actions: set[str] = set()
        for kind in self.phase_kinds.values():
            actions |= kind.features
        return frozenset(actions)

