"""The first Alembic revision of a new plugin, generated for real from the models just written.

Why generate it instead of writing it from a template: it is then exactly what
``mitsprache db revision`` writes for those models, so the package's own
``test_revisions_match_models`` passes at once, and it starts the plugin's
branch the way every later revision continues it. The plugin is imported from
its new ``src/`` folder and enabled in a throwaway app that reads no
deployment's settings; the revision is compared with a scratch database
(:func:`core.migrate.make_revision`), so no database is touched.
"""
from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

from ..app import create_app
from ..extensions import db
from ..migrate import make_revision
from .names import PluginNames

#: Settings for the throwaway app: nothing from the deployment's config.toml or environment matters.
SETTINGS = {
    "secret_key": "scaffold", "database_url": "sqlite://", "plugins": [], "theme": "default",
    "environment": "development", "base_url": None, "redis_url": None, "proxies": 0,
}


def write_first_revision(names: PluginNames, target: Path) -> Path:
    """Generate ``src/<package>/migrations/versions/<rev>_initial.py``; return its path."""
    source = target.resolve() / "src"
    sys.path.insert(0, str(source))
    try:
        importlib.invalidate_caches()
        module = importlib.import_module(names.package)
        if Path(module.__file__).resolve().parent != source / names.package:
            raise ValueError(
                f"Another package named {names.package} is importable here ({module.__file__}); "
                "uninstall it or choose another plugin name."
            )
        module.PLUGIN_NAME = names.name  # an extra plugin is known by this name, as the entry point names it
        with tempfile.TemporaryDirectory() as instance:
            app = create_app(SETTINGS, instance_path=instance, extra_plugins=[module], startup_checks=False)
            with app.app_context():
                try:
                    return make_revision(app, names.name, "initial")
                finally:
                    db.engine.dispose()
    finally:
        sys.path.remove(str(source))
