"""Mitsprache's themes: ``default`` and ``civic``, each with ``templates/`` and ``static/``.

A package (not only a folder) so that a normal, non-editable install carries
them too: a plugin's tests in its own repository build apps with the default
theme, with no checkout of Mitsprache.
"""
