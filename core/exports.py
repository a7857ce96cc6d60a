"""CSV and XLSX downloads that stream, so 100,000 rows never sit in memory at once.

Plugins register an :class:`core.registry.Exporter`; the core offers it as CSV
and XLSX in the browser (``/p/<slug>/export/<key>.csv?dialect=semicolon``) and
on the command line (``mitsprache export SLUG KEY --format xlsx --lang de``).
Other plugins append columns through the ``export_columns`` hook.

An export is handed on to people who never saw the site: a council's clerk,
an evaluation team. So headers are in the reader's language, yes/no and states
are words, times are in the deployment's time zone to the second with their
offset, and German Excel gets the semicolon CSV it opens without an import
wizard. The XLSX layout lives in :mod:`core.export_xlsx`.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from .export_xlsx import write_xlsx, xlsx_file  # noqa: F401  (the views and benchmarks call them here)
from .registry import Exporter, TimeHeader, time_header  # noqa: F401  (time_header for exporters)

#: Cells that start with these are formulas to a spreadsheet; prefix them so an
#: export of user text can never run a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: CSV dialects by name: the separator. German Excel splits on semicolons
#: (the comma is its decimal separator); everything else reads commas.
DIALECTS = {"comma": ",", "semicolon": ";"}
#: The dialect a reader of each language most likely opens without changes.
DEFAULT_DIALECTS = {"de": "semicolon"}
LANGUAGES = ("de", "en")


def default_dialect(lang: str | None) -> str:
    """The CSV dialect for readers of ``lang``: semicolon for German, comma otherwise."""
    return DEFAULT_DIALECTS.get((lang or "")[:2], "comma")


def zone() -> ZoneInfo:
    """The deployment's time zone, in which every exported moment is written."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")


def format_moment(value: datetime) -> str:
    """``2026-11-29 16:40:12 +01:00``: to the second, with the offset, readable and unambiguous."""
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    return f"{value:%Y-%m-%d %H:%M:%S} {sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _cell_cleaner():
    """A function that makes one raw cell exportable; the words for yes/no are looked up once."""
    words = {True: _("yes"), False: _("no")}
    tz = zone()

    def clean(value: Any) -> Any:
        if isinstance(value, bool):
            return words[value]
        if isinstance(value, datetime):
            aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))
            return aware.astimezone(tz).replace(microsecond=0)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value
        return value

    return clean


def table(exporter: Exporter, project: Any) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers and rows of an export in the current language, with columns other plugins add appended.

    By convention an exporter's first cell is the item's id: other plugins'
    columns are matched by it. An exporter whose id is an internal key
    (``id_column=False``) keeps it for that match; the core leaves it out.
    """
    pm = current_app.extensions["mitsprache"].pm
    extra = [c for cols in pm.hook.export_columns(export_key=exporter.key, project=project) for c in cols]
    headers = [h if isinstance(h, TimeHeader) else str(h) for h in exporter.headers(project)]
    headers += [str(c.header) for c in extra]
    clean = _cell_cleaner()
    skip = 0 if exporter.id_column else 1

    def rows() -> Iterator[list[Any]]:
        for row in exporter.rows(project):
            yield [clean(v) for v in row[skip:]] + [clean(c.values.get(row[0], c.default)) for c in extra]

    return headers, rows()


def _csv_value(value: Any, decimal_comma: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_moment(value)
    if decimal_comma and isinstance(value, float):
        # The semicolon dialect is for German Excel, which reads "2.5" as a date.
        return str(value).replace(".", ",")
    return value


def iter_csv(headers: list[str], rows: Iterable[list[Any]], dialect: str = "comma") -> Iterator[str]:
    """CSV text in chunks; a UTF-8 BOM first so spreadsheet programs (Excel) read umlauts right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DIALECTS[dialect])
    decimal_comma = dialect == "semicolon"
    buffer.write("\ufeff")
    writer.writerow(headers)
    for i, row in enumerate(rows, 1):
        writer.writerow([_csv_value(v, decimal_comma) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
