"""Imports that earlier versions of docs/plugins.md and docs/example-plugin showed keep working.

Plugins written from those pages import a few core modules directly, not only
``core.toolkit``. They must run unchanged, so each of those names stays where
it was and is the very object the toolkit offers now.
"""
import importlib

import pytest

import core.toolkit

#: (module, name) pairs the tutorial, the hook reference and the example plugin imported or named.
EARLIER_IMPORTS = [
    ("core", "hookimpl"),
    ("core.registry", "PhaseKind"), ("core.registry", "ProjectTab"), ("core.registry", "PhaseSetting"),
    ("core.registry", "NavItem"), ("core.registry", "ManageLink"), ("core.registry", "Exporter"),
    ("core.registry", "ExportColumn"), ("core.registry", "SortOption"),
    ("core.types", "UTCDateTime"),
    ("core.extensions", "db"),
    ("core.models", "Project"), ("core.models", "User"), ("core.models", "Phase"),
    ("core.policy", "participation_decision"), ("core.policy", "can"), ("core.policy", "Decision"),
    ("core.toolkit", "can"), ("core.toolkit", "current_user"), ("core.toolkit", "db"),
    ("core.toolkit", "load_project"), ("core.toolkit", "require"), ("core.toolkit", "now"),
    ("core.toolkit", "render_page_or_fragment"),
]


@pytest.mark.parametrize("module, name", EARLIER_IMPORTS, ids=lambda value: value)
def test_an_earlier_documented_import_still_works(module, name):
    value = getattr(importlib.import_module(module), name)
    assert getattr(core.toolkit, name) is value  # one object, whichever way a plugin imports it


def test_the_earlier_example_plugin_imports_run_unchanged():
    # docs/example-plugin as the first tutorial finished it, import for import.
    exec(
        "from flask import Blueprint, flash, redirect, render_template, request, url_for\n"
        "from sqlalchemy import ForeignKey, String\n"
        "from sqlalchemy.orm import Mapped, mapped_column, relationship\n"
        "from core import hookimpl\n"
        "from core.registry import PhaseKind, ProjectTab\n"
        "from core.extensions import db\n"
        "from core.models import Project, User\n"
        "from core.toolkit import now\n"
        "from core.types import UTCDateTime\n"
        "from core.toolkit import can, current_user, db, load_project, require\n",
        {},
    )
