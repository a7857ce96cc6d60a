"""Builds one plugin manager per app from the deployment's list of enabled plugins.

Discovery: every plugin, built-in or third-party, is an entry point in the
``mitsprache`` group, so the built-in ones take the same road as any other
and the core never imports them by name::

    [project.entry-points.mitsprache]      # Mitsprache's own pyproject.toml
    comments = "plugins.comments"
    [project.entry-points.mitsprache]      # a third-party package's
    hello = "mitsprache_hello"

Those of the ``mitsprache`` distribution itself are listed as "built-in"; a
third-party entry point cannot shadow a built-in name. Plugin objects passed to
``create_app(extra_plugins=[...])`` (tests, embedding) come last.

Installing a plugin does not enable it: only names listed in the config's
``plugins`` are loaded and registered. A plugin module may declare
``NEEDS = ["comments"]``; enabling it without those fails at start-up.
"""
from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs

ENTRY_POINT_GROUP = "mitsprache"


class PluginConfigError(RuntimeError):
    """The deployment's plugin list cannot work; the message says how to fix it."""


@dataclass(frozen=True)
class AvailablePlugin:
    """A plugin that could be enabled: where it comes from and how to load it."""

    name: str
    source: str  # "built-in", "entry point <dist>" or "extra"
    target: str | Any

    def load(self) -> Any:
        if isinstance(self.target, str):
            return importlib.import_module(self.target)
        if hasattr(self.target, "load"):
            return self.target.load()
        return self.target


def available_plugins(extra: list[Any] | None = None) -> dict[str, AvailablePlugin]:
    """Every plugin that is installed, enabled or not, by name."""
    found: dict[str, AvailablePlugin] = {}
    points = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: not _is_builtin(ep))
    for ep in points:
        if _is_builtin(ep):
            found.setdefault(ep.name, AvailablePlugin(ep.name, "built-in", ep.value))
        else:
            found.setdefault(ep.name, AvailablePlugin(ep.name, f"entry point ({ep.dist.name if ep.dist else '?'})", ep))
    for obj in extra or []:
        name = getattr(obj, "PLUGIN_NAME", None) or getattr(obj, "__name__", None)
        if not name:
            raise PluginConfigError(f"extra plugin {obj!r} needs a PLUGIN_NAME")
        found[name.rsplit(".", 1)[-1]] = AvailablePlugin(name.rsplit(".", 1)[-1], "extra", obj)
    return found


def _is_builtin(ep) -> bool:
    return bool(ep.dist) and ep.dist.name.lower() == "mitsprache"


def build_plugin_manager(enabled: list[str], extra: list[Any] | None = None) -> pluggy.PluginManager:
    """A fresh plugin manager with the enabled plugins registered and checked."""
    pm = pluggy.PluginManager("mitsprache")
    pm.add_hookspecs(hookspecs)
    available = available_plugins(extra)
    extra_names = [n for n, p in available.items() if p.source == "extra"]

    missing = [name for name in enabled if name not in available]
    if missing:
        raise PluginConfigError(
            f"Enabled plugin(s) not installed: {', '.join(missing)}. "
            f"Installed plugins: {', '.join(sorted(available)) or 'none'}. "
            "Fix the 'plugins' list in instance/config.toml or install the package."
        )

    modules: dict[str, Any] = {}
    for name in list(dict.fromkeys([*enabled, *extra_names])):
        modules[name] = available[name].load()

    for name, module in modules.items():
        needed = [n for n in getattr(module, "NEEDS", []) if n not in modules]
        if needed:
            raise PluginConfigError(
                f"Plugin '{name}' needs plugin(s) {', '.join(repr(n) for n in needed)}, "
                "which are not enabled. Add them to 'plugins' in instance/config.toml."
            )

    for name, module in modules.items():
        pm.register(module, name=name)
    if os.environ.get("MITSPRACHE_TRACE_HOOKS"):
        # A newcomer's aid: print every hook call with its arguments and results.
        pm.trace.root.setwriter(lambda message: print(message, end="", file=sys.stderr))
        pm.enable_tracing()
    pm.hook.add_hookspecs(plugin_manager=pm)
    # A misspelt hook name (``def register_phasekinds``) fails here, not silently.
    pm.check_pending()
    return pm


def plugin_folder(module: Any, subfolder: str) -> Path | None:
    """A plugin's ``templates/`` or ``static/`` folder, if it has one."""
    if not isinstance(module, ModuleType) or not getattr(module, "__file__", None):
        return None
    folder = Path(module.__file__).parent / subfolder
    return folder if folder.is_dir() else None


def enabled_plugins(pm: pluggy.PluginManager) -> list[tuple[str, Any]]:
    """(name, module) of each registered plugin, in registration order."""
    return [(name, plugin) for name, plugin in pm.list_name_plugin() if plugin is not None]


def registered_by(impl) -> list[Any]:
    """What one implementation of a startup hook registers: through ``register(x)``, or returned as a list.

    Startup hooks take a ``register`` callable; plugins written before that
    returned lists (``return [Idea]``), and pluggy lets an implementation take
    fewer arguments than the spec, so both keep working.
    """
    found: list[Any] = []
    kwargs = {"register": found.append} if "register" in impl.argnames else {}
    found.extend(impl.function(**kwargs) or [])
    return found
