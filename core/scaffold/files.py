"""Write a new plugin package from the files under ``templates/``.

Each ``*.tmpl`` file there becomes one file of the package, ``${...}`` replaced
by the plugin's names (:meth:`PluginNames.substitutions`); a path part
``PACKAGE`` or ``NAME`` becomes the package or plugin name, ``dot-`` a leading
dot. Why files and ``string.Template``, not Jinja: the package contains Jinja
templates itself, whose ``{{ … }}`` must arrive untouched, and a missing or
misspelt ``${name}`` fails loudly (``substitute`` raises) instead of writing
an empty string.
"""
from __future__ import annotations

from pathlib import Path
from string import Template

from .names import PluginNames

SKELETON = Path(__file__).parent / "templates"


def write_package(names: PluginNames, target: Path) -> list[Path]:
    """Write the package into ``target`` (missing or empty); return the files written."""
    values = names.substitutions()
    written = []
    for source in sorted(SKELETON.rglob("*.tmpl")):
        path = target.joinpath(*(_part(part, names) for part in source.relative_to(SKELETON).with_suffix("").parts))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
        written.append(path)
    return written


def _part(part: str, names: PluginNames) -> str:
    if part == "PACKAGE":
        return names.package
    if part.startswith("dot-"):
        return "." + part[4:]
    return part.replace("NAME", names.name)
