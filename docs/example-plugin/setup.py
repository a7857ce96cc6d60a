"""Build the package as pyproject.toml describes, compiling the message catalogs on the way.

Why this file: Flask-Babel reads compiled catalogs (``messages.mo``), while the
repository keeps only the ``messages.po`` people edit (``.gitignore`` leaves out
``*.mo``). So every build compiles each ``translations/<language>/LC_MESSAGES/messages.po``
with Babel: into the wheel, or beside the sources for ``pip install -e .``.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self):
        super().run()
        root = Path("src") if self.editable_mode else Path(self.build_lib)
        for source in root.glob("*/translations/*/LC_MESSAGES/*.po"):
            with source.open("rb") as po, source.with_suffix(".mo").open("wb") as mo:
                write_mo(mo, read_po(po))


setup(cmdclass={"build_py": BuildWithCatalogs})
