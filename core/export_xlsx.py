"""The XLSX form of an export: a sheet people can work with as soon as they open it.

Bold, frozen header row; an autofilter over the data; column widths estimated
from the header and the first rows, with long text wrapped; the sheet named
after the content. openpyxl's write-only mode streams the rows to disk, so
memory stays flat; the price is that widths and the frozen pane must be set
before the first row, which is why only a sample of rows is looked at.

Moments are real date cells (formatted to the second) in the deployment's
time zone, and the header names the zone, e.g. "Created (Europe/Berlin)".
A date cell sorts and filters by date in every spreadsheet program, which text
would not; the offset that CSV writes into each value is dropped because
spreadsheet dates have none, and the zone name in the header says it instead
(it stays right across the change to and from summer time).
"""
from __future__ import annotations

import re
import tempfile
from datetime import datetime
from itertools import chain, islice
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .registry import TimeHeader

#: Rows looked at to find time columns and estimate widths.
SAMPLE_ROWS = 50
MIN_WIDTH, MAX_WIDTH = 8, 60
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: Excel refuses these in sheet names, and names longer than 31 characters.
FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]+")
TITLE_LIMIT = 31


def sheet_title(label: str) -> str:
    """``label`` as a sheet name Excel accepts (no ``[]:*?/\\``, at most 31 characters, not "History")."""
    # "Matchmaking: challenges" reads on as "Matchmaking – challenges"; other forbidden characters become spaces.
    title = FORBIDDEN_IN_TITLE.sub(" ", label.replace(":", " –"))
    title = re.sub(r"\s+", " ", title).strip(" '")[:TITLE_LIMIT].rstrip(" '–,;.")
    if not title or title.lower() == "history":  # Excel reserves "History"
        title = (title + " export").strip()[:TITLE_LIMIT] if title else "Export"
    return title


def time_columns(headers: list[str], sample: list[list[Any]]) -> set[int]:
    """Columns whose header is marked as a time header or whose sampled cells hold moments."""
    marked = {i for i, header in enumerate(headers) if isinstance(header, TimeHeader)}
    seen = {i for row in sample for i, value in enumerate(row) if isinstance(value, datetime)}
    return marked | seen


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(headers: list[str], sample: list[list[Any]]) -> list[int]:
    """One width per column (in characters): the longest of header and sampled cells, within bounds."""
    widths = []
    for index, header in enumerate(headers):
        longest = max([round(len(header) * 1.1)] + [_text_width(row[index]) for row in sample if index < len(row)])
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def write_xlsx(headers: list[str], rows: Iterable[list[Any]], target, *, title: str = "Export", zone: str = "") -> None:
    """Write an XLSX with openpyxl's write-only mode, which keeps memory flat."""
    rows = iter(rows)
    sample = list(islice(rows, SAMPLE_ROWS))
    moments = time_columns(headers, sample)
    widths = column_widths(headers, sample)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for index, header in enumerate(headers):
        cell = WriteOnlyCell(sheet, value=f"{header} ({zone})" if zone and index in moments else str(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    wrap = Alignment(wrap_text=True, vertical="top")
    count = 0
    for row in chain(sample, rows):
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
                cell.number_format = DATE_FORMAT
                value = cell
            elif isinstance(value, str) and index < len(widths) and len(value) > widths[index]:
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = wrap
                value = cell
            cells.append(value)
        sheet.append(cells)
        count += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    workbook.save(target)


def xlsx_file(headers: list[str], rows: Iterable[list[Any]], **layout):
    """An XLSX in a spooled temporary file (on disk past 8 MB), rewound for reading."""
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_xlsx(headers, rows, handle, **layout)
    handle.seek(0)
    return handle
