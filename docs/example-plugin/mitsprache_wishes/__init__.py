"""Wishes: during a ``wishes`` phase, participants pin short wishes to a wall.

The finished plugin of the tutorial in docs/plugins.md. Enable it with
``plugins = [..., "wishes"]`` in instance/config.toml after ``pip install``.
"""
from core import hookimpl
from core.registry import PhaseKind, ProjectTab


@hookimpl
def register_models():
    from .models import Wish

    return [Wish]


@hookimpl
def register_phase_kinds(register):
    register(PhaseKind("wishes", label="Wish wall", features={"wish.create"}, endpoint="wishes.wall"))


@hookimpl
def register_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def project_tabs(project):
    return [ProjectTab("wishes", "Wishes", "wishes.wall")]
