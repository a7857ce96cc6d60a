"""Alembic environment of Mitsprache (``env.py``, ``script.py.mako``) and the core's revisions (``versions/``).

A package only so that installing Mitsprache ships these files; nothing imports it.
Everything that drives Alembic lives in :mod:`core.migrate`.
"""
