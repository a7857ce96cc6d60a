"""Small value objects that plugins hand to the core through registration hooks.

Hooks receive a ``register`` callable and call it with one of these. The core
collects them once per app into a :class:`Registry` (``app.extensions
["mitsprache"].registry``), so requests never re-run registration hooks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator


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


@dataclass(frozen=True)
class Exporter:
    """A downloadable table of a project's data (CSV and XLSX come for free).

    ``rows(project)`` yields lists of cells and may be a generator over a
    streamed query: the core writes them out without holding them all.
    """

    key: str
    label: Any
    headers: Callable[[Any], list[str]]
    rows: Callable[[Any], Iterable[list[Any]]]
    plugin: str = ""


@dataclass
class Registry:
    """Everything the enabled plugins registered, collected at startup."""

    phase_kinds: dict[str, PhaseKind] = field(default_factory=dict)
    nav_items: list[NavItem] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)

    @property
    def participation_actions(self) -> frozenset[str]:
        """Every action that some phase kind grants; these are phase-bound."""
        actions: set[str] = set()
        for kind in self.phase_kinds.values():
            actions |= kind.features
        return frozenset(actions)

    def kinds_with(self, action: str) -> Iterator[PhaseKind]:
        return (k for k in self.phase_kinds.values() if action in k.features)
