"""The wheel is a whole deployment: installed without a checkout, it initialises and serves pages.

Built from the files git knows (tracked, or new and not ignored) plus the npm
packages in node_modules, in a copy, so the build leaves nothing in the work tree.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (ROOT / "node_modules" / "htmx.org").is_dir():
        pytest.fail("node_modules/htmx.org is missing: run 'npm install' (make test does)")
    source = tmp_path_factory.mktemp("source")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "node_modules" / "htmx.org", source / "node_modules" / "htmx.org")
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the test venv has setuptools and Babel, and the build needs no network.
    subprocess.run([*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)], check=True)
    return next(out.glob("mitsprache-*.whl"))


def test_the_wheel_holds_everything_a_deployment_serves(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "core/vendor/htmx.org/dist/htmx.min.js",             # from npm, at package.json's version
        "core/translations/de/LC_MESSAGES/messages.mo",      # compiled at build time
        "core/templates/errors/error.html",
        "core/migrations/script.py.mako",
        "core/gunicorn_conf.py",
        "themes/default/templates/layout.html",
        "themes/default/static/style.css",
        "themes/civic/templates/layout.html",
    ]
    for plugin in ("comments", "commenting", "ideas", "voting", "matchmaking"):
        expected.append(f"plugins/{plugin}/translations/de/LC_MESSAGES/messages.mo")
        assert any(n.startswith(f"plugins/{plugin}/migrations/versions/") and n.endswith(".py") for n in names)
        assert any(n.startswith(f"plugins/{plugin}/templates/{plugin}/") for n in names)
    assert [name for name in expected if name not in names] == []
    assert any(n.startswith("core/migrations/versions/") and n.endswith("_initial.py") for n in names)
    assert any(n.startswith("core/static/") for n in names)
    assert not any(n.startswith(("tests/", "node_modules/", "instance/")) for n in names)
    htmx = zipfile.ZipFile(wheel).read("core/vendor/htmx.org/dist/htmx.min.js")
    assert htmx == (ROOT / "node_modules/htmx.org/dist/htmx.min.js").read_bytes()


def test_the_installed_wheel_initialises_and_serves_outside_the_checkout(wheel, tmp_path):
    """A fresh venv with only the wheel (``--no-deps``); the dependencies come from the test venv."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The test venv's packages, except Mitsprache's own (an editable install pointing at the checkout).
    deps = tmp_path / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_path("purelib")).iterdir():
        if not entry.name.lower().startswith(("mitsprache", "__editable__", "core", "plugins", "themes")) \
                and entry.suffix != ".pth":
            (deps / entry.name).symlink_to(entry)
    (site / "test_venv_packages.pth").write_text(f"{deps}\n")
    subprocess.run([*PIP, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    # (pip --target also writes bin/mitsprache, whose first line names the test venv's python: unused.)

    outside = tmp_path / "deployment"
    outside.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MITSPRACHE_", "PYTHON"))}
    env.update(MITSPRACHE_INSTANCE=str(outside / "instance"), MITSPRACHE_PLUGINS="comments,ideas")
    init = subprocess.run([python, "-c", "from core.cli import main; main()", "init",
                           "--base-url", "https://beteiligung.example.de"],
                          cwd=outside, env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    assert "Database ready" in init.stdout
    probe = """
import core, sys
from core import create_app
assert core.__file__.startswith(sys.argv[1]), core.__file__
app = create_app()
client = app.test_client()
base = "https://beteiligung.example.de"
home = client.get("/", base_url=base, headers={"Accept-Language": "de"})
assert home.status_code == 200 and "Projekte" in home.get_data(as_text=True), home.status_code
assert client.get("/vendor/htmx.min.js", base_url=base).status_code == 200
assert client.get("/theme/style.css", base_url=base).status_code == 200
assert client.get("/readyz", base_url=base).get_json()["status"] == "ok"
import core.gunicorn_conf
print("served")
"""
    served = subprocess.run([python, "-c", probe, str(site)], cwd=outside, env=env, capture_output=True,
                            text=True, timeout=120)
    assert served.returncode == 0, served.stderr
    assert "served" in served.stdout
