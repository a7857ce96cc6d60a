"""A plugin from its own package, found through the ``mitsprache`` entry point group.

The package (docs/example-plugin, the finished tutorial plugin) is really built
and installed with pip, into a temporary folder put on ``sys.path``, so the test
exercises the same discovery path as ``pip install mitsprache-wishes``.
"""
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from core.extensions import db
from core.plugins import available_plugins
from tests.conftest import T0

PACKAGE = Path(__file__).resolve().parents[2] / "docs" / "example-plugin"


@pytest.fixture(scope="module")
def installed_wishes(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources it builds.
    source = tmp_path_factory.mktemp("src") / "mitsprache-wishes"
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        check=True,
    )
    sys.path.insert(0, str(target))
    yield target
    sys.path.remove(str(target))
    for name in [m for m in sys.modules if m.startswith("mitsprache_wishes")]:
        del sys.modules[name]


def test_installed_plugin_is_listed_but_not_enabled(installed_wishes, make_app):
    assert available_plugins()["wishes"].source == "entry point (mitsprache-wishes)"
    app = make_app(plugins=[])
    assert "wishes" not in app.extensions["mitsprache"].plugin_names
    assert app.test_client().get("/p/x/wishes").status_code == 404


def test_enabled_plugin_works_end_to_end(installed_wishes, make_app, users, login, clock, project_with_phase):
    app = make_app(plugins=["wishes"])
    people = users(app)
    slug, _ = project_with_phase(app, "wishes", start=T0, end=T0 + timedelta(days=12), people=people)
    project_page = app.test_client().get(f"/p/{slug}").get_data(as_text=True)
    assert f'href="/p/{slug}/wishes"' in project_page and ">Wishes</a>" in project_page

    client = login(app, people.anna)
    response = client.post(f"/p/{slug}/wishes", data={"text": "Ein Trinkbrunnen am Markt"}, follow_redirects=True)
    assert "Ein Trinkbrunnen am Markt – Anna" in response.get_data(as_text=True)

    clock.advance(days=12)
    refused = client.post(f"/p/{slug}/wishes", data={"text": "zu spät"})
    assert refused.status_code == 403
    assert "Participation ended on 10 April 2026, 12:00." in refused.get_data(as_text=True)
    with app.app_context():
        from mitsprache_wishes.models import Wish

        assert db.session.scalars(db.select(Wish.text)).all() == ["Ein Trinkbrunnen am Markt"]


def test_the_example_plugins_own_tests_pass_against_the_installed_package(installed_wishes, tmp_path):
    """Its tests/ (the tutorial's) use only core.testing's fixtures; run them as its author would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MITSPRACHE_") or k == "MITSPRACHE_TEST_DATABASE_URL"}
    env.update(PYTHONPATH=str(installed_wishes), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PACKAGE / "tests")],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
