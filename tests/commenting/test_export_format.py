"""Exports people can hand on: their language, German Excel's CSV, times with offsets, a laid-out XLSX."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from core.extensions import db
from tests.commenting.test_exports import HEADERS, _by_id, discussed  # noqa: F401  (fixture)

GERMAN = [
    "Kommentar-Nr.", "Dokument", "Kapitel", "Absatz", "Absatzauszug", "Antwort auf Kommentar-Nr.", "Verfasser*in",
    "Text", "Erstellt", "Zuletzt bearbeitet", "Zustimmungen", "Ablehnungen", "Moderationsstatus", "Moderationsgrund",
    "Anmerkung der Moderation",
]


def _csv(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_semicolon_dialect_has_a_bom_and_parses_with_the_right_columns(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    text = _csv(client, f"/p/{draft.slug}/export/document-comments.csv?dialect=semicolon")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert table[0] == HEADERS and all(len(row) == len(HEADERS) for row in table)
    rows = _by_id(table[1:])
    assert rows[discussed["first"]][2:5] == ["Ausgangslage", "1.1", "Erster Absatz über die Lage."]


def test_language_picks_headers_words_and_the_default_dialect(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    german = _csv(client, f"/p/{draft.slug}/export/document-comments.csv", **{"Accept-Language": "de"})
    table = list(csv.reader(io.StringIO(german[1:]), delimiter=";"))
    assert table[0] == GERMAN
    assert _by_id(table[1:])[discussed["hidden"]][12] == "ausgeblendet"
    # Asked for explicitly, a German reader gets commas too.
    comma = _csv(client, f"/p/{draft.slug}/export/document-comments.csv?dialect=comma", **{"Accept-Language": "de"})
    assert next(csv.reader(io.StringIO(comma[1:]))) == GERMAN
    english = _csv(client, f"/p/{draft.slug}/export/document-comments.csv", **{"Accept-Language": "en"})
    assert next(csv.reader(io.StringIO(english[1:]))) == HEADERS


def test_an_unknown_dialect_is_a_clear_localized_error(draft, login):
    client = login(draft.app, draft.people.initiator)
    response = client.get(f"/p/{draft.slug}/export/document-comments.csv?dialect=tab", headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Unbekanntes CSV-Format „tab“" in response.get_data(as_text=True)


def test_times_are_local_to_the_second_with_the_offset_across_summer_time(draft, discussed, login, clock):
    """T0 is the night Germany changes to summer time; a comment written in October shows winter time."""
    from core.models import Project, User
    from plugins.comments import api as discussion

    clock.advance(days=214)  # 2026-10-29 10:00 UTC: after the change back
    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        late = discussion.add_comment("paragraph", draft.paragraph_ids[0], project,
                                      db.session.get(User, draft.people.anna.id), "Im Herbst")
        db.session.commit()
        late_id = late.id
    client = login(draft.app, draft.people.initiator)
    rows = _by_id(list(csv.reader(io.StringIO(_csv(client, f"/p/{draft.slug}/export/document-comments.csv")[1:])))[1:])
    assert rows[discussed["first"]][8] == "2026-03-29 12:00:00 +02:00"
    assert rows[late_id][8] == "2026-10-29 11:00:00 +01:00"


def test_cells_around_the_change_to_summer_time_and_booleans(draft):
    from core import exports
    from core.registry import Exporter, time_header

    exporter = Exporter("t", "T", headers=lambda p: ["No.", time_header("When"), "Flag"], rows=lambda p: [
        [1, datetime(2026, 3, 29, 0, 59, 59, 987654, tzinfo=UTC), True],
        [2, datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC), False],
    ])
    with draft.app.test_request_context(headers={"Accept-Language": "de"}):
        headers, rows = exports.table(exporter, None)
        text = "".join(exports.iter_csv(headers, rows, "semicolon"))
    assert text.splitlines()[1:] == ["1;2026-03-29 01:59:59 +01:00;ja", "2;2026-03-29 03:00:00 +02:00;nein"]


def test_xlsx_is_laid_out_for_reading(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    response = client.get(f"/p/{draft.slug}/export/document-comments.xlsx", headers={"Accept-Language": "de"})
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "Alle Kommentare zu den Dokumenten, mit Kapitel und Absatz"[:31].rstrip(" ,")  # Excel allows 31 characters
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O7"
    header = next(sheet.iter_rows(min_row=1, max_row=1))
    assert all(cell.font.b for cell in header)
    assert header[8].value == "Erstellt (Europe/Berlin)" and header[9].value == "Zuletzt bearbeitet (Europe/Berlin)"
    created = sheet.cell(row=2, column=9)
    assert isinstance(created.value, datetime) and created.number_format == "yyyy-mm-dd hh:mm:ss"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEH"}
    assert 8 <= widths["D"] < widths["E"] <= 60 and widths["A"] >= len("Kommentar-Nr.")


def test_long_text_wraps_and_sheet_names_follow_excels_rules(draft, discussed, login):
    from core.export_xlsx import sheet_title
    from core.models import Project, User
    from plugins.comments import api as discussion

    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        long = discussion.add_comment("paragraph", draft.paragraph_ids[1], project,
                                      db.session.get(User, draft.people.ben.id), "Sehr lang. " * 30)
        db.session.commit()
        long_id = long.id
    client = login(draft.app, draft.people.initiator)
    sheet = load_workbook(io.BytesIO(client.get(f"/p/{draft.slug}/export/document-comments.xlsx").get_data())).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == long_id)
    assert row[7].alignment.wrap_text and sheet.column_dimensions["H"].width == 60
    assert sheet_title("Matchmaking: challenges") == "Matchmaking – challenges"
    assert sheet_title("a/b\\c?d*e[f]") == "a b c d e f"
    assert sheet_title("All comments on the documents, with chapter and paragraph") == "All comments on the documents"
    assert sheet_title("History") != "History" and sheet_title(":::") == "Export"


def test_comments_export_names_the_paragraph_not_ids(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    table = list(csv.reader(io.StringIO(_csv(client, f"/p/{draft.slug}/export/comments.csv")[1:])))
    assert table[0][:4] == ["Comment no.", "Reply to comment no.", "About", "Title"]
    rows = _by_id(table[1:])
    assert rows[discussed["first"]][2:4] == ["Paragraph", "1.1"]
    assert rows[discussed["chapter"]][2:4] == ["Chapter", "2. Maßnahmen"]
    assert rows[discussed["reply"]][1] == str(discussed["first"])
    assert rows[discussed["hidden"]][10] == "hidden"


def test_cli_takes_dialect_and_language_and_refuses_bad_values_in_one_line(draft, discussed):
    from core.cli import export_command

    runner = draft.app.test_cli_runner()
    result = runner.invoke(export_command, [draft.slug, "document-comments", "--lang", "de", "--dialect", "semicolon"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff") and next(csv.reader(io.StringIO(result.stdout[1:]), delimiter=";")) == GERMAN
    result = runner.invoke(export_command, [draft.slug, "document-comments", "--lang", "en"])
    assert next(csv.reader(io.StringIO(result.stdout[1:]))) == HEADERS
    for args, message in (
        (["--lang", "fr"], "Error: Unknown language 'fr': choose de or en."),
        (["--dialect", "tab"], "Error: Unknown CSV dialect 'tab': choose comma or semicolon."),
    ):
        result = runner.invoke(export_command, [draft.slug, "document-comments", *args])
        assert result.exit_code == 1 and result.output.strip() == message
        assert result.exception is None or isinstance(result.exception, SystemExit)
