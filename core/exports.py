"""CSV and XLSX downloads that stream, so 100,000 rows never sit in memory at once.

Plugins register an :class:`core.registry.Exporter`; the core offers it as CSV
and XLSX in the browser (``/p/<slug>/export/<key>.csv``) and on the command line
(``mitsprache export SLUG KEY --format xlsx``). Other plugins append columns
through the ``export_columns`` hook.
"""
from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from typing import Any, Iterable, Iterator

from flask import current_app
from openpyxl import Workbook

from .registry import Exporter

#: Cells that start with these are formulas to a spreadsheet; prefix them so an
#: export of user text can never run a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        tz = current_app.config.get("BABEL_DEFAULT_TIMEZONE")
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None) if tz else value.replace(tzinfo=None)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table(exporter: Exporter, project: Any) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers and rows of an export, with columns other plugins add appended."""
    pm = current_app.extensions["mitsprache"].pm
    extra = [c for cols in pm.hook.export_columns(export_key=exporter.key, project=project) for c in cols]
    headers = list(exporter.headers(project)) + [c.header for c in extra]

    def rows() -> Iterator[list[Any]]:
        for row in exporter.rows(project):
            # By convention an exporter's first cell is the item's id.
            yield [_safe_cell(v) for v in row] + [c.values.get(row[0], c.default) for c in extra]

    return headers, rows()


def iter_csv(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text in chunks; a UTF-8 BOM first so spreadsheet programs pick the encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for i, row in enumerate(rows, 1):
        writer.writerow(["" if v is None else (v.isoformat(sep=" ") if isinstance(v, datetime) else v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], target) -> None:
    """Write an XLSX with openpyxl's write-only mode, which keeps memory flat."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(target)


def xlsx_file(headers: list[str], rows: Iterable[list[Any]]):
    """An XLSX in a spooled temporary file (on disk past 8 MB), rewound for reading."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_xlsx(headers, rows, handle)
    handle.seek(0)
    return handle


def write_export(slug: str, key: str, fmt: str, output: str | None) -> None:
    """Write exporter ``key`` of project ``slug`` as CSV (to ``output`` or standard output) or XLSX.

    Shared by ``mitsprache export`` and plugin shortcuts such as ``commenting
    export``; problems are ``click.ClickException``s, one line for the operator.
    """
    import sys

    import click

    from .extensions import db
    from .models import Project

    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project '{slug}'.")
    exporter = current_app.extensions["mitsprache"].registry.exporters.get(key)
    if exporter is None:
        raise click.ClickException(f"No exporter '{key}'.")
    headers, rows = table(exporter, project)
    if fmt == "xlsx":
        if not output:
            raise click.ClickException("XLSX needs --output FILE.")
        write_xlsx(headers, rows, output)
    else:
        stream = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            for chunk in iter_csv(headers, rows):
                stream.write(chunk)
        finally:
            if output:
                stream.close()
    if output:
        click.echo(f"Wrote {output}", err=True)
