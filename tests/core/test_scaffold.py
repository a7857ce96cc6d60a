"""``mitsprache plugin new``: a package that builds, installs as a real wheel and passes its own tests.

The main test does what a plugin author does, with the real command, pip and
pytest: write ``townhall`` with a ``questions`` phase, build a wheel, install
it and a wheel of Mitsprache itself into a fresh virtualenv, and run the
package's tests there from its own folder: no file of this checkout is used.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from core.scaffold import plugin_group
from core.scaffold.files import write_package
from core.scaffold.names import plugin_names

CHECKOUT = Path(__file__).resolve().parents[2]
MITSPRACHE = Path(sys.executable).parent / "mitsprache"


def run(*args, cwd, env=None):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def outside_env(instance: Path) -> dict[str, str]:
    """The environment without this checkout's settings or paths (a test database URL may stay)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("MITSPRACHE_")}
    if "MITSPRACHE_TEST_DATABASE_URL" in os.environ:
        env["MITSPRACHE_TEST_DATABASE_URL"] = os.environ["MITSPRACHE_TEST_DATABASE_URL"]
    return {**env, "MITSPRACHE_INSTANCE": str(instance)}


def fresh_venv(folder: Path) -> Path:
    """A virtualenv that sees the installed Mitsprache (this environment's site-packages), nothing of the checkout."""
    run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = folder / "bin" / "python"
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=folder).strip()
    (Path(site) / "mitsprache-env.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    return python


def test_new_plugin_builds_a_wheel_that_installs_and_passes_its_own_tests(tmp_path):
    package = tmp_path / "mitsprache-townhall"
    env = outside_env(tmp_path / "instance")
    out = run(MITSPRACHE, "plugin", "new", "townhall", "--phase-kind", "questions", "-o", package, cwd=tmp_path, env=env)
    assert "plugin 'townhall' with the phase kind 'questions', the table townhall_question" in out

    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", tmp_path / "dist", package, cwd=tmp_path, env=env)
    (wheel,) = (tmp_path / "dist").glob("mitsprache_townhall-0.1.0-*.whl")
    files = set(zipfile.ZipFile(wheel).namelist())
    revisions = [f for f in files if f.startswith("mitsprache_townhall/migrations/versions/") and f.endswith("_initial.py")]
    assert len(revisions) == 1
    assert {
        "mitsprache_townhall/templates/townhall/index.html",
        "mitsprache_townhall/static/style.css",
        "mitsprache_townhall/translations/de/LC_MESSAGES/messages.po",
        "mitsprache_townhall/translations/de/LC_MESSAGES/messages.mo",  # compiled while building
        "mitsprache_townhall/migrations/versions/__init__.py",
    } <= files
    entry_points = zipfile.ZipFile(wheel).read("mitsprache_townhall-0.1.0.dist-info/entry_points.txt").decode()
    assert "[mitsprache]\ntownhall = mitsprache_townhall" in entry_points

    # Mitsprache itself as a real wheel too (its dependencies come from this environment).
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", tmp_path / "core-dist", CHECKOUT, cwd=tmp_path, env=env)
    (core_wheel,) = (tmp_path / "core-dist").glob("mitsprache-*.whl")
    python = fresh_venv(tmp_path / "venv")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index",
        core_wheel, wheel, cwd=tmp_path, env=env)
    where = json.loads(run(python, "-c", "import json, sys, core, themes, mitsprache_townhall; print(json.dumps("
                           "[sys.path, mitsprache_townhall.__file__, core.__file__, themes.__file__]))",
                           cwd=package, env=env))
    assert where[1].startswith(str(tmp_path / "venv"))  # the wheel, not the sources in src/
    assert where[2].startswith(str(tmp_path / "venv")) and where[3].startswith(str(tmp_path / "venv"))
    installed = Path(sysconfig.get_paths()["purelib"]).resolve()
    for entry in where[0]:
        path = (package / entry).resolve()  # "" and relative entries are relative to the working directory
        assert not path.is_relative_to(CHECKOUT) or path.is_relative_to(installed), f"{entry} is in the checkout"

    out = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package, env=env)
    assert "6 passed" in out, out


def test_the_package_catalog_holds_every_string_its_sources_mark(tmp_path):
    """German pages of a new plugin are German throughout, and agree with the core's words."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    write_package(plugin_names("townhall", "questions"), tmp_path)
    with (tmp_path / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    marked = {message for _f, _l, message, _c, _x in extract_from_dir(
        tmp_path, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "_l": None})}
    with (tmp_path / "src/mitsprache_townhall/translations/de/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = {m.id: m.string for m in read_po(fh) if m.id}
    assert marked == set(catalog)
    with (CHECKOUT / "core/translations/de/LC_MESSAGES/messages.po").open("rb") as fh:
        core = {m.id: m.string for m in read_po(fh) if m.id}
    assert {k: v for k, v in catalog.items() if k in core and core[k] != v} == {}


@pytest.mark.parametrize("args, error", [
    (["Town-Hall"], "'Town-Hall' cannot be a plugin name: use lowercase letters, digits and single underscores"),
    (["1st"], "'1st' cannot be a plugin name"),
    (["class"], "'class' cannot be a plugin name"),
    (["core"], "'core' cannot be a plugin name: Mitsprache uses it already"),
    (["ideas"], "A plugin named 'ideas' is installed already (built-in). Choose another name."),
    (["x" * 31], "is too long for a plugin name: at most 30 characters"),
    (["townhall", "--phase-kind", "Fragen!"], "'Fragen!' cannot be a phase kind"),
    (["townhall", "--phase-kind", "users"], "would name the plugin's model User"),
])
def test_invalid_names_are_refused_in_one_line(tmp_path, args, error):
    result = CliRunner().invoke(plugin_group, ["new", *args, "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and error in result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "out").exists()


def test_an_existing_folder_is_refused_in_one_line(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(plugin_group, ["new", "townhall", "-o", str(tmp_path / "mine")], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'mine'} exists already; choose a new or empty folder with -o DIR.\n"
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


def test_names_follow_from_the_plugin_name_and_phase_kind():
    townhall = plugin_names("townhall", "questions")
    assert (townhall.package, townhall.distribution, townhall.model, townhall.table, townhall.action) == (
        "mitsprache_townhall", "mitsprache-townhall", "Question", "townhall_question", "question.create")
    wishes = plugin_names("wishes")
    assert (wishes.kind, wishes.model, wishes.table, wishes.items) == ("wishes", "Wish", "wishes_wish", "wishes")
    poll = plugin_names("town_poll", "poll")
    assert (poll.model, poll.items, poll.title) == ("Poll", "polls", "Town poll")
