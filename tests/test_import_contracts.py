"""The plugin boundary holds: import-linter's contracts in pyproject.toml, run as part of the suite.

Plugins reach the core only through ``core`` and ``core.toolkit``, each other
only through an ``api`` module, the core never imports a plugin, and no package
has import cycles. A plugin that reaches into the core's internals breaks when
they change; this test says so the day the import is written.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout, result.stdout
