"""Import of the catalogues from CSV or XLSX: all rows or none, re-imports update by ``external_id``.

::

    report = import_file(project, "initiatives", open("initiativen.csv", "rb"), "initiativen.csv")
    report.created, report.updated         # or ImportFailed, whose .problems say row by row what is wrong

Columns (the first row; names are case-insensitive, lists are separated by ``;``):

==================  =========================================================================
``title``           required: the challenge's "Wie können wir …?" or the initiative's name
``description``     required
``organisation``    required: the organisation's name (created if new, found by name otherwise)
``external_id``     your id; a row whose id exists already updates that item
``region``          AGS (2–8 digits) or a Land's name; empty: nationwide (initiatives: ``;``-list)
``fields``          fields of action by name (new names are added to the project's taxonomy)
``sdgs``            1–17 (``SDG 3`` or ``3``)
``target_groups``   keys or labels, e.g. ``seniors; Familien``
``offers``          challenges: pilot_site, data, funding, contacts, staff_time, space;
                    initiatives: software, method, training, consulting, volunteers, network, service
``needs``           initiatives: the resources a challenge can offer (pilot_site, data …)
``maturity``        initiatives: idea, prototype, pilot, scaling, transfer
``status``          challenges: open, talks, piloting, solved
``summary``, ``tried``, ``references``, ``licence``, ``website``
``contact_email``, ``contact_phone``, ``contact_name``: the organisation's contact details
==================  =========================================================================

What it refuses, with a message that says why, storing nothing: files over
:data:`MAX_BYTES`, files that are neither UTF-8 CSV nor XLSX, missing
required columns, unknown columns, and any row with a value it cannot read.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sqlalchemy import select

from core.toolkit import _, db, now

from . import facets, regions
from .models import INITIATIVE, PUBLIC_BODY, TITLE_MAX, Challenge, Field, Initiative, Organisation

MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED = ("title", "description", "organisation")
COLUMNS = {
    "challenges": REQUIRED + ("external_id", "region", "fields", "sdgs", "target_groups", "offers", "needs",
                              "maturity", "status", "tried", "summary", "references", "licence", "website",
                              "contact_email", "contact_phone", "contact_name"),
    "initiatives": REQUIRED + ("external_id", "region", "regions", "fields", "sdgs", "target_groups", "offers",
                               "needs", "maturity", "status", "tried", "summary", "references", "licence", "website",
                               "contact_email", "contact_phone", "contact_name"),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportFailed(Exception):
    """The file was refused; ``problems`` are sentences people read, row by row where that applies."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    organisations: int = 0
    new_fields: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Reading the file into rows of text
# ---------------------------------------------------------------------------


def _read_bytes(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFailed([_("The file is larger than %(mb)d MB. Split it, or remove columns that are not imported.",
                              mb=MAX_BYTES // (1024 * 1024))])
    if not data.strip():
        raise ImportFailed([_("The file is empty.")])
    return data


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed([_("The file is not UTF-8 text (first unreadable byte in line %(line)d). Save it as "
                              "\"CSV UTF-8\" or as XLSX and try again.", line=line)]) from None
    if "\x00" in text:
        raise ImportFailed([_("The file contains binary data; it is no CSV file.")])
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") and sample.count(";") > sample.count("\t") else (
        "\t" if sample.count("\t") > sample.count(",") else ",")
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ImportFailed([_("The CSV file cannot be read: %(error)s", error=str(error))]) from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportFailed([_("The file cannot be read as an XLSX workbook.")]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if cell is None else (str(int(cell)) if isinstance(cell, float) and cell.is_integer()
                                                   else str(cell)) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_rows(stream: BinaryIO, filename: str = "") -> list[list[str]]:
    data = _read_bytes(stream)
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportFailed([_("The file cannot be read as an XLSX workbook.")])
        return _xlsx_rows(data)
    return _csv_rows(data)


# ---------------------------------------------------------------------------
# Checking every row, then storing all of them
# ---------------------------------------------------------------------------


def _header(rows: list[list[str]], kind: str) -> list[str]:
    if not rows:
        raise ImportFailed([_("The file is empty.")])
    header = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    known = set(COLUMNS[kind])
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in known]
    problems = []
    if missing:
        problems.append(_("Required columns are missing: %(names)s.", names=", ".join(missing)))
    if unknown:
        problems.append(_("Unknown columns: %(names)s. Known columns: %(known)s.",
                          names=", ".join(c or "(empty)" for c in unknown[:10]), known=", ".join(COLUMNS[kind])))
    if len(set(header)) != len(header):
        problems.append(_("A column name appears twice."))
    if problems:
        raise ImportFailed(problems)
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed([_("The file has more than %(n)d rows.", n=MAX_ROWS)])
    return header


def _vocabulary(value, vocabulary, column, problems, line):
    found, unknown = facets.parse_keys(value, vocabulary)
    if unknown:
        problems.append(_("Row %(line)d, column %(column)s: unknown value(s) %(values)s.", line=line, column=column,
                          values=", ".join(f"\"{u}\"" for u in unknown[:5])))
    return found


def _check(kind: str, header: list[str], rows: list[list[str]]) -> tuple[list[dict[str, Any]], list[str]]:
    checked, problems, seen_ids = [], [], {}
    for offset, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = {name: (raw[i].strip() if i < len(raw) else "") for i, name in enumerate(header)}
        before = len(problems)
        for name in REQUIRED:
            if not row.get(name):
                problems.append(_("Row %(line)d: %(column)s is empty.", line=offset, column=name))
        if len(row.get("title", "")) > TITLE_MAX:
            problems.append(_("Row %(line)d: the title is longer than %(n)d characters.", line=offset, n=TITLE_MAX))
        external_id = row.get("external_id", "")[:100]
        if external_id:
            if external_id in seen_ids:
                problems.append(_("Row %(line)d: external_id \"%(id)s\" was used in row %(other)d already.",
                                  line=offset, id=external_id, other=seen_ids[external_id]))
            seen_ids[external_id] = offset
        region_cells = row.get("regions") or row.get("region", "")
        parts = [p for p in region_cells.split(";") if p.strip()] if kind == "initiatives" else [region_cells]
        codes = []
        for part in parts or [""]:
            code = regions.normalise(part)
            if code is None:
                problems.append(_("Row %(line)d: \"%(value)s\" is not a municipal key (AGS) or a Land.",
                                  line=offset, value=part.strip()))
            codes.append(code)
        website = row.get("website", "")
        if website and not website.startswith(("https://", "http://")):
            problems.append(_("Row %(line)d: the website must start with https://", line=offset))
        email = row.get("contact_email", "")
        if email and not EMAIL.match(email):
            problems.append(_("Row %(line)d: \"%(value)s\" is not an e-mail address.", line=offset, value=email))
        data = {
            "line": offset, "external_id": external_id or None, "title": row["title"], "description": row["description"],
            "organisation": row["organisation"][:160], "regions": [c for c in codes if c],
            "fields": [f.strip()[:80] for f in row.get("fields", "").split(";") if f.strip()],
            "sdgs": [int(k) for k in _vocabulary(row.get("sdgs", ""), [(str(n), l) for n, l in facets.SDGS],
                                                 "sdgs", problems, offset)],
            "target_groups": _vocabulary(row.get("target_groups", ""), facets.TARGET_GROUPS, "target_groups", problems, offset),
            "offers": _vocabulary(row.get("offers", ""), facets.RESOURCES if kind == "challenges" else facets.SOLUTIONS,
                                  "offers", problems, offset),
            "needs": _vocabulary(row.get("needs", ""), facets.RESOURCES, "needs", problems, offset)
            if kind == "initiatives" else [],
            "tried": row.get("tried", ""), "summary": row.get("summary", "")[:500],
            "references": row.get("references", ""), "licence": row.get("licence", "")[:500],
            "website": row.get("website", "")[:300], "contact_email": email[:254],
            "contact_phone": row.get("contact_phone", "")[:60], "contact_name": row.get("contact_name", "")[:120],
        }
        if kind == "initiatives":
            maturity = row.get("maturity", "") or "idea"
            found = _vocabulary(maturity, facets.MATURITY, "maturity", problems, offset)
            data["maturity"] = found[0] if found else "idea"
        else:
            status = row.get("status", "") or "open"
            found = _vocabulary(status, facets.CHALLENGE_STATUS, "status", problems, offset)
            data["status"] = found[0] if found else "open"
        if len(problems) == before:
            checked.append(data)
    return checked, problems


def import_rows(project, kind: str, rows: list[list[str]]) -> Report:
    """Check every row; store all of them in one transaction, or none and raise :class:`ImportFailed`."""
    if kind not in COLUMNS:
        raise ImportFailed([_("Choose challenges or initiatives.")])
    header = _header(rows, kind)
    checked, problems = _check(kind, header, rows)
    if problems:
        raise ImportFailed(problems[:200] + ([_("… and %(n)d more problems.", n=len(problems) - 200)]
                                             if len(problems) > 200 else []))
    if not checked:
        raise ImportFailed([_("The file has no rows to import.")])
    model = Challenge if kind == "challenges" else Initiative
    report = Report()
    try:
        fields = {f.name.casefold(): f for f in db.session.scalars(select(Field).where(Field.project_id == project.id))}
        orgs = {o.name.casefold(): o for o in db.session.scalars(select(Organisation).where(Organisation.project_id == project.id))}
        existing = {item.external_id: item for item in db.session.scalars(
            select(model).where(model.project_id == project.id, model.external_id.isnot(None)))}
        position = max((f.position for f in fields.values()), default=-1)
        wrong_side = []
        for data in checked:
            org = orgs.get(data["organisation"].casefold())
            if org is not None and (org.kind == PUBLIC_BODY) != (kind == "challenges"):
                wrong_side.append(_("Row %(line)d: %(org)s is registered as another kind of organisation.",
                                    line=data["line"], org=org.name))
                continue
            if org is None:
                org = Organisation(project_id=project.id, project=project, name=data["organisation"],
                                   kind=PUBLIC_BODY if kind == "challenges" else INITIATIVE,
                                   region=data["regions"][0] if data["regions"] else regions.NATIONWIDE,
                                   verified_at=now(), created_at=now())
                db.session.add(org)
                orgs[org.name.casefold()] = org
                report.organisations += 1
            for key in ("website", "contact_email", "contact_phone", "contact_name"):
                if data[key]:
                    setattr(org, key, data[key])
            chosen = []
            for name in data["fields"]:
                if name.casefold() not in fields:
                    position += 1
                    fields[name.casefold()] = Field(project_id=project.id, name=name, position=position)
                    db.session.add(fields[name.casefold()])
                    report.new_fields.append(name)
                chosen.append(fields[name.casefold()])
            item = existing.get(data["external_id"]) if data["external_id"] else None
            if item is None:
                item = model(project_id=project.id, external_id=data["external_id"], created_at=now())
                db.session.add(item)
                report.created += 1
                if data["external_id"]:
                    existing[data["external_id"]] = item
            else:
                item.updated_at = now()
                report.updated += 1
            item.organisation = org
            item.project = project
            item.description = data["description"]
            item.fields = list(dict.fromkeys(chosen))
            item.sdgs, item.target_groups, item.offers = data["sdgs"], data["target_groups"], data["offers"]
            if kind == "challenges":
                item.title, item.tried, item.status = data["title"], data["tried"], data["status"]
                item.region = data["regions"][0] if data["regions"] else regions.NATIONWIDE
            else:
                item.name, item.summary, item.maturity = data["title"], data["summary"], data["maturity"]
                item.regions = data["regions"] or [regions.NATIONWIDE]
                item.needs = data["needs"]
                item.references, item.licence = data["references"], data["licence"]
        if wrong_side:
            raise ImportFailed(wrong_side)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def import_file(project, kind: str, stream: BinaryIO, filename: str = "") -> Report:
    return import_rows(project, kind, read_rows(stream, filename))
