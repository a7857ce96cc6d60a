"""WTForms' own messages ("This field is required.") in the reader's language, parsed once per process.

Flask-WTF loads WTForms' catalog from disk and parses it on every request that
shows or checks a form (``flask_wtf.i18n._get_translations``): about half a
millisecond each time, on every post of a comment. The parsed catalogs never
change while the process runs, so one per locale is kept and handed to
Flask-WTF where it looks first (``request.wtforms_translations``), computed
only when a form asks for it.

A ``babel.support.Translations`` object is only read after loading, so
sharing it between threads is safe; ``functools.lru_cache`` is thread-safe.
"""
from __future__ import annotations

from functools import cached_property, lru_cache

from babel import support
from flask import Flask, Request
from flask_babel import get_locale
from wtforms.i18n import messages_path


@lru_cache(maxsize=16)
def _catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class FormTranslationsRequest(Request):
    """Flask's request, with WTForms' catalog for the request's language looked up on first use."""

    @cached_property
    def wtforms_translations(self) -> support.Translations:
        return _catalog(str(get_locale()))


def install(app: Flask) -> None:
    """Serve WTForms' messages from the per-process catalogs."""
    app.request_class = FormTranslationsRequest
