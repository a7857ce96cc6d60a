"""Build steps pyproject.toml cannot declare: what a wheel needs besides the Python files.

The metadata is in pyproject.toml; this adds two steps to ``build_py``, so a
wheel (``pip wheel --no-deps .``, ``python -m build``) installs a complete
deployment without a checkout:

1. the front-end packages the site serves (``VENDORED``, from ``node_modules``,
   installed by ``npm install`` at the versions package.json pins) are copied
   into ``core/vendor/`` inside the wheel: never into the repository;
2. every message catalog (``translations/*/LC_MESSAGES/messages.po``) is
   compiled to ``messages.mo`` in the wheel, since compiled catalogs are build
   output and not committed.

Editable installs (``pip install -e``) skip both: they serve ``node_modules``
and the catalogs that ``make translations`` compiles in place.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
#: Files under node_modules/ that the site serves (core/app.py vendor_static), kept at the same paths.
VENDORED = ["htmx.org/dist/htmx.min.js"]


class BuildWithAssets(build_py):
    """``build_py``, plus the npm files and the compiled catalogs."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        build = Path(self.build_lib)
        for name in VENDORED:
            source = ROOT / "node_modules" / name
            if not source.is_file():
                raise SystemExit(f"{source} is missing: run 'npm install' (or 'npm ci') before building the wheel.")
            target = build / "core" / "vendor" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for po in sorted(build.glob("**/translations/*/LC_MESSAGES/*.po")):
            _compile(po, po.with_suffix(".mo"))


def _compile(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    with mo.open("wb") as fh:
        write_mo(fh, catalog)


setup(cmdclass={"build_py": BuildWithAssets})
