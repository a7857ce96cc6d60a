"""Mitsprache core: projects, phases, users and the plugin system.

Plugins import from here, and from ``core.registry`` and ``core.policy``; those
three modules are the stable toolkit. Everything else is internal.
"""
import pluggy

hookimpl = pluggy.HookimplMarker("mitsprache")


def create_app(*args, **kwargs):
    """Build a Mitsprache app; see :func:`core.app.create_app`."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app", "hookimpl"]
