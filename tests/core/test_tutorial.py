"""docs/plugins.md keeps its promise: the tutorial's finished plugin is short beyond what the scaffold writes.

The finished plugin is docs/example-plugin (tests/core/test_out_of_tree_plugin.py
installs it and runs its tests); the scaffold is ``mitsprache plugin new wishes``.
"""
import difflib
from pathlib import Path

from core.scaffold.files import write_package
from core.scaffold.names import plugin_names

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-plugin"


def hand_written_lines(scaffold: Path) -> int:
    """Non-blank Python lines of the example that the scaffold did not write (revisions are Alembic's)."""
    count = 0
    for finished in sorted([*EXAMPLE.glob("src/**/*.py"), *EXAMPLE.glob("tests/**/*.py")]):
        relative = finished.relative_to(EXAMPLE)
        if relative.parent.name == "versions" and relative.name != "__init__.py":
            continue
        written = scaffold / relative
        before = written.read_text().splitlines() if written.exists() else []
        diff = difflib.unified_diff(before, finished.read_text().splitlines(), n=0, lineterm="")
        count += sum(1 for line in diff if line.startswith("+") and not line.startswith("+++") and line[1:].strip())
    return count


def test_the_finished_tutorial_plugin_needs_at_most_60_hand_written_lines(tmp_path):
    write_package(plugin_names("wishes"), tmp_path)
    lines = hand_written_lines(tmp_path)
    assert lines <= 60
    assert f"**{lines} lines**" in (ROOT / "docs" / "plugins.md").read_text(), f"docs/plugins.md should say {lines}"
