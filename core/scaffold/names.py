"""A new plugin's name and phase kind, checked, and every other name derived from them.

One plugin name is used in many places that each have their own rules: the
entry point and ``plugins`` list, the table prefix, the blueprint and URL, the
template folder and the Alembic branch label. So it must be a short lowercase
Python identifier; checking that here gives a one-line error instead of a
package that fails later. Everything else (package, model, table, action) is
derived, so the generated files agree with each other::

    >>> names = plugin_names("townhall", "questions")
    >>> names.package, names.model, names.table, names.action
    ('mitsprache_townhall', 'Question', 'townhall_question', 'question.create')
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
#: Names the core or a Python environment already uses for something else.
RESERVED_NAMES = {"core", "plugins", "tests", "mitsprache", "test", "static", "templates"}
#: Item names that would shadow the core's models or a view's and template's own variables.
RESERVED_ITEMS = {"user", "project", "phase", "role", "decision", "request", "slug", "text", "db", "bp"}
MAX_NAME = 30  # every table name starts with it
MAX_KIND = 40  # the core stores phase kinds in 40 characters


@dataclass(frozen=True)
class PluginNames:
    """The names a new plugin's files use, all derived from its name and phase kind."""

    name: str  # townhall: entry point, table prefix, blueprint, URL, template folder, branch label
    kind: str  # questions: the phase kind

    @property
    def package(self) -> str:
        return f"mitsprache_{self.name}"

    @property
    def distribution(self) -> str:
        return f"mitsprache-{self.name.replace('_', '-')}"

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ").capitalize()

    @property
    def item(self) -> str:
        """One thing posted in such a phase: ``question`` for ``questions``."""
        return singular(self.kind)

    @property
    def items(self) -> str:
        return self.kind if self.item != self.kind else f"{self.kind}s"

    @property
    def model(self) -> str:
        return "".join(part.capitalize() for part in self.item.split("_"))

    @property
    def table(self) -> str:
        return f"{self.name}_{self.item}"

    @property
    def action(self) -> str:
        """The feature of the phase kind that allows posting, named like the core's (``idea.create``)."""
        return f"{self.item}.create"

    def substitutions(self) -> dict[str, str]:
        """What ``${...}`` stands for in the files under ``templates/``."""
        values = {key: getattr(self, key) for key in (
            "name", "kind", "package", "distribution", "title", "kind_label", "item", "items", "model", "table",
            "action",
        )}
        option = f" --phase-kind {self.kind}" if self.kind != self.name else ""
        values["command"] = f"mitsprache plugin new {self.name}{option}"
        values["kind_label_entry"] = (
            "" if self.kind_label == self.title
            else f'# The phase kind, as initiators pick it on the phase form.\nmsgid "{self.kind_label}"\nmsgstr ""\n\n'
        )
        return values


def singular(word: str) -> str:
    """English singular of a plural phase kind, good enough for a class name: ideas → idea, wishes → wish."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plugin_names(name: str, kind: str | None = None, installed: dict | None = None) -> PluginNames:
    """Check ``name`` and ``kind`` (default: the name) and return the derived names; ValueError says what to change."""
    kind = kind or name
    _check_identifier(name, "a plugin name", MAX_NAME, "townhall")
    if name in RESERVED_NAMES:
        raise ValueError(f"'{name}' cannot be a plugin name: Mitsprache uses it already. Choose another one.")
    if installed and name in installed:
        raise ValueError(f"A plugin named '{name}' is installed already ({installed[name].source}). Choose another name.")
    _check_identifier(kind, "a phase kind", MAX_KIND, "questions")
    names = PluginNames(name, kind)
    if names.item in RESERVED_ITEMS or not names.items.isidentifier():
        raise ValueError(
            f"The phase kind '{kind}' would name the plugin's model {names.model}, which the core or the "
            "generated views use already. Choose another --phase-kind."
        )
    return names


def _check_identifier(value: str, what: str, longest: int, example: str) -> None:
    if not IDENTIFIER.match(value) or value.endswith("_") or "__" in value or keyword.iskeyword(value):
        raise ValueError(
            f"'{value}' cannot be {what}: use lowercase letters, digits and single underscores, "
            f"starting with a letter (e.g. {example})."
        )
    if len(value) > longest:
        raise ValueError(f"'{value}' is too long for {what}: at most {longest} characters.")
