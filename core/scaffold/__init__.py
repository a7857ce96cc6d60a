"""Scaffolding: ``mitsprache plugin new NAME [--phase-kind KIND] [-o DIR]`` writes a new plugin package.

The package installs (a wheel too carries its templates, stylesheet, compiled
German catalog and migrations), runs, and passes its own tests at once; the
tutorial in docs/plugins.md starts from it. Like Decidim's component generator
or Datasette's plugin template, it saves a newcomer the hour of finding out
which files a plugin needs and where they go.

- :mod:`.names`: check the name and kind, derive the others (package, model, table);
- :mod:`.files`: write the files under ``templates/`` with those names;
- :mod:`.revision`: generate the first Alembic revision from the written model;
- :mod:`.command`: the ``mitsprache plugin new`` command.
"""
from .command import plugin_group

__all__ = ["plugin_group"]
