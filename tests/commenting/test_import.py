"""Markdown import: pasted text imports cleanly; bad files get clear, localized errors; comments are never lost."""
from __future__ import annotations

import io
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.extensions import db
from plugins.commenting import importer, services
from plugins.commenting.importer import MarkdownImportError
from plugins.commenting.models import Chapter, Document, Paragraph
from tests.commenting.conftest import DRAFT, FIXTURES, add_comments


def _parse(app, source, locale="en"):
    with app.test_request_context(headers={"Accept-Language": locale}):
        return importer.parse(source)


def _error(app, source, locale="en"):
    with pytest.raises(MarkdownImportError) as info:
        _parse(app, source, locale)
    return str(info.value)


def test_pasted_text_with_odd_spaces_bullets_crlf_and_bom_imports_cleanly(capp):
    data = (FIXTURES / "pasted.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and "\u00a0".encode() in data
    doc = _parse(capp, data)
    assert doc.title == "Klimastrategie 2030 – Entwurf"
    assert doc.preamble_html == "<p>Dieser Entwurf wurde aus einem Textprogramm kopiert.</p>"
    assert [c.title for c in doc.chapters] == ["1 Ausgangslage", "2 Maßnahmen"]
    first, second = doc.chapters
    assert first.paragraphs[0] == "<p>Die Stadt hat sich „ehrgeizige“ Ziele gesetzt – bis 2040 klimaneutral.</p>"
    assert first.paragraphs[1] == "<p>Die wichtigsten Quellen:</p>"
    assert first.paragraphs[2] == "<ul>\n<li>Gebäude (41 %)</li>\n<li>Verkehr (31 %)</li>\n<li>Strom</li>\n</ul>"
    assert second.paragraphs[0] == "<ul>\n<li>Radwege ausbauen</li>\n<li>Busse im 10-Minuten-Takt</li>\n</ul>"
    assert second.paragraphs[1] == "<ul>\n<li>Dächer mit Photovoltaik</li>\n<li>Wärmepumpen fördern</li>\n</ul>"
    assert second.paragraphs[2] == "<p>Sie sagte: ‚Das ist „gut“.‘ Und »das« auch.</p>"
    everything = doc.title + doc.preamble_html + "".join(p for c in doc.chapters for p in c.paragraphs)
    for odd in ("\u00a0", "\u202f", "\ufeff", "\r", "•", "▪"):
        assert odd not in everything


def test_lists_are_one_paragraph_and_subheadings_stay_with_their_text(capp):
    doc = _parse(capp, "# T\n\n## K\n\n### Unterpunkt\n\nText.\n\n1. eins\n2. zwei\n\nLink: https://example.org\n")
    assert doc.chapters[0].paragraphs == [
        "<h3>Unterpunkt</h3><p>Text.</p>",
        "<ol>\n<li>eins</li>\n<li>zwei</li>\n</ol>",
        '<p>Link: <a href="https://example.org" rel="nofollow noopener noreferrer">https://example.org</a></p>',
    ]


def test_raw_html_and_scripts_never_survive(capp):
    doc = _parse(capp, "# T\n\n## K\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>fett</b>\n")
    html = "".join(doc.chapters[0].paragraphs)
    assert "<script" not in html and "href=\"javascript" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_text_without_chapters_becomes_one_chapter(capp):
    doc = _parse(capp, "# Nur ein Titel\n\nEins.\n\nZwei.\n")
    assert doc.preamble_html == ""
    assert [(c.title, len(c.paragraphs)) for c in doc.chapters] == [("Nur ein Titel", 2)]


@pytest.mark.parametrize(
    ("source", "english", "german"),
    [
        (b"", "The file is empty.", "Die Datei ist leer."),
        (b"  \r\n\xef\xbb\xbf\n", "The file is empty.", "Die Datei ist leer."),
        ("# Straße".encode("cp1252"), "The file is not UTF-8 text", "Die Datei ist kein UTF-8-Text"),
        (b"## Kapitel\n\nText", "The file has no title.", "Die Datei hat keinen Titel."),
        (b"# Eins\n\n# Zwei\n", "Line 3: the file has a second title", "Zeile 3: Die Datei hat einen zweiten Titel"),
        (b"# T\n\n" + b"x" * (importer.MAX_BYTES + 1), "The file is too large", "Die Datei ist zu groß"),
        (b"# T\n\n## K\n\n" + b"a\n" * importer.MAX_LINES, "The file has 20,005 lines. At most 20,000",
         "Die Datei hat 20.005 Zeilen. Höchstens 20.000"),
        (b"# T\n\n## K\n\n" + b"a" * 20_001, "Line 5: this paragraph has 20,001 characters, at most 20,000",
         "Zeile 5: Dieser Absatz hat 20.001 Zeichen, höchstens 20.000"),
        (b"# T\n\n## K\n\n" + (b"<" * 1_000 + b"\n\n") * 51, "The file has 51,003 markup characters",
         "Die Datei enthält 51.003 Markup-Zeichen"),
        (b"# T\n\n## K\n\n" + b"- a\n" * 8_000, "The file has 16,003 paragraphs, list items",
         "Die Datei hat 16.003 Absätze, Listenpunkte"),
    ],
    ids=["empty", "blank", "cp1252", "no title", "two titles", "too large",
         "too many lines", "paragraph too long", "too much markup", "too many elements"],
)
def test_bad_files_get_clear_localized_errors(capp, source, english, german):
    assert english in _error(capp, source, "en")
    assert german in _error(capp, source, "de")


def test_a_section_without_text_becomes_the_part_heading_of_the_chapters_below_it(capp):
    doc = _parse(capp, (
        "# Strategie\n\n## Ausgangslage\n\nText.\n\n"
        "## Ansatzpunkte und Maßnahmenvorschläge\n\n## Mobilität\n\nMehr Busse.\n\n## Gebäude\n\nDämmen.\n\n"
        "## Teil C\n\n### Überblick\n\n## Anhang\n\nQuellen.\n"
    ))
    assert [(c.part, c.title, c.paragraphs) for c in doc.chapters] == [
        ("", "Ausgangslage", ["<p>Text.</p>"]),
        ("Ansatzpunkte und Maßnahmenvorschläge", "Mobilität", ["<p>Mehr Busse.</p>"]),
        ("", "Gebäude", ["<p>Dämmen.</p>"]),  # still in the part: it runs until the next part heading
        ("Teil C – Überblick", "Anhang", ["<p>Quellen.</p>"]),
    ]


def test_the_part_heading_is_stored_shown_in_the_contents_and_editable(draft, login):
    client = login(draft.app, draft.people.initiator)
    source = b"# Neu\n\n## Vorwort\n\nA.\n\n## Ansatzpunkte und Ma\xc3\x9fnahmen\n\n## Verkehr\n\nB.\n\n## Energie\n\nC.\n"
    response = _upload(client, draft.slug, source)
    assert response.status_code == 302
    with draft.app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.title == "Neu"))
        chapters = services.chapters_of(document)
        assert [(c.part, c.title, len(c.paragraphs)) for c in chapters] == [
            ("", "Vorwort", 1), ("Ansatzpunkte und Maßnahmen", "Verkehr", 1), ("", "Energie", 1)]
        document_id, energy_id, traffic_id = document.id, chapters[2].id, chapters[1].id
    page = client.get(f"/p/{draft.slug}/documents/{document_id}").get_data(as_text=True)
    assert '<h3 class="toc-part">Ansatzpunkte und Maßnahmen</h3>' in page
    assert page.index("Vorwort") < page.index("toc-part") < page.index("Verkehr") < page.index("Energie")
    # The chapter page names the part it belongs to, also for the part's later chapters.
    page = client.get(f"/p/{draft.slug}/documents/chapter/{energy_id}").get_data(as_text=True)
    assert "›</span>Ansatzpunkte und Maßnahmen</p>" in page
    response = client.post(f"/p/{draft.slug}/documents/chapter/{traffic_id}/edit",
                           data={"title": "Verkehr", "part": "Maßnahmen"})
    assert response.status_code == 302
    assert '<h3 class="toc-part">Maßnahmen</h3>' in client.get(f"/p/{draft.slug}/documents/{document_id}").get_data(as_text=True)


def test_a_refused_file_stores_nothing(draft, login):
    client = login(draft.app, draft.people.initiator)
    response = _upload(client, draft.slug, b"## Kapitel\n\nText")
    assert response.status_code == 400
    assert "The file has no title" in response.get_data(as_text=True)
    with draft.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 1


def test_code_and_typed_stand_in_characters_come_out_as_written(capp):
    from core.sanitize import plain_text

    doc = _parse(capp, "# T\n\n## K\n\nIm Code `<a href=\"x\">&amp;</a>` steht HTML.\n\n    <b>\n\nPrivat: \ue000\ue001\ue004 & < > \"\n")
    code, block, private = doc.chapters[0].paragraphs
    assert code == "<p>Im Code <code>&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;</code> steht HTML.</p>"
    assert block == "<pre><code>&lt;b&gt;\n</code></pre>"
    assert plain_text(private) == 'Privat: \ue000\ue001\ue004 & < > "'


#: Files that took from seconds to hours (quadratic clean-up). Each must be imported or refused within
#: TIME_LIMIT seconds of CPU time, in a process of its own so that a regression fails instead of hanging
#: the suite. CPU time, not the clock on the wall: a busy machine (a CI runner, other tests) slows the
#: wall clock but not the work a process does. The wall-clock limit only catches a process that hangs.
TIME_LIMIT = 10
WALL_LIMIT = 120
_H = b"# T\n\n## C\n\n"
_MB = importer.MAX_BYTES - 100
ADVERSARIAL = {
    "1 MB of tabs": (b"\t" * _MB, "The file is empty."),
    "1 MB of tabs, then a letter": (_H + b"\t" * _MB + b"a", "Line 5: this paragraph has 4,"),
    "lines of 1,000 tabs, then a letter": (_H + (b"\t" * 1_000 + b"a\n") * (_MB // 1_002), "Line 5: this paragraph"),
    "200 KB of <": (_H + b"<" * 200_000, "Line 5: this paragraph has 200,000 characters"),
    "200 KB of < in lines": (_H + (b"<" * 99 + b"\n") * 2_000, "The file has 198,003 markup characters"),
    "as much < as the limits let through": (_H + (b"<" * 9_990 + b"\n\n") * 5, "imported 1 chapter, 5 paragraphs"),
    "as much & as the limits let through": (_H + (b"&" * 9_990 + b"\n\n") * 5, "imported 1 chapter, 5 paragraphs"),
    "1 MB of spaces, then a letter": (_H + b" " * _MB + b"a", "Line 5: this paragraph has 1,"),
    "1 MB of spaces, then a letter, per line": (_H + (b" " * 1_000 + b"a\n") * (_MB // 1_002), "Line 5: this paragraph"),
    "1 MB of >": (_H + b">" * _MB + b" a", "Line 5: this paragraph has 1,"),
    "> nested deeper on each line": (_H + b"".join(b">" * i + b" a\n" for i in range(1_400)), "markup characters"),
    "10 levels of > in each of 1,200 paragraphs": (_H + (b">" * 10 + b" a\n\n") * 1_200,
                                                   "imported 1 chapter, 1,200 paragraphs"),
    "20 levels of > in each of 2,400 paragraphs": (_H + (b">" * 20 + b" a\n\n") * 2_400,
                                                   "The file has 48,002 paragraphs, list items"),
    "100,000 bullets": (_H + b"- a\n" * 100_000, "The file has 100,005 lines"),
    "7,000 bullets": (_H + b"- a\n" * 7_000, "Line 5: this paragraph has 27,999 characters"),
    "lists and paragraphs": (_H + b"- a\n- b\n\nc\n\n" * 2_400, "imported 1 chapter, 4,800 paragraphs"),
    "lists nested ever deeper": (_H + b"".join(b"  " * i + b"- a\n" for i in range(1_000)), "Line 5: this paragraph"),
    "10,000 paragraphs": (_H + b"a\n\n" * 9_990, "imported 1 chapter, 9,990 paragraphs"),
    "6,000 chapters": (b"# T\n" + b"## a\n\nb\n" * 6_000, "imported 6,000 chapters, 6,000 paragraphs"),
    "8,000 chapters": (b"# T\n" + b"## a\nb\n" * 8_000, "The file has 16,001 paragraphs, list items"),
    "1 MB of prose": (_H + ("Die Stadt legt bis 2030 einen Wärmeplan vor. " * 11 + "\n\n").encode() * 2_000,
                      "imported 1 chapter, 2,000 paragraphs"),
}
_RUN = """
import sys
from flask import Flask
from flask_babel import Babel, format_decimal, ngettext
from plugins.commenting.importer import MarkdownImportError, parse
app = Flask(__name__)
Babel(app)
with app.test_request_context():
    try:
        document = parse(open(sys.argv[1], "rb").read())
    except MarkdownImportError as error:
        print(error)
    else:
        chapters, paragraphs = len(document.chapters), document.paragraph_count
        print("imported", format_decimal(chapters), ngettext("chapter", "chapters", chapters) + ",",
              format_decimal(paragraphs), ngettext("paragraph", "paragraphs", paragraphs))
"""


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_hostile_files_are_imported_or_refused_quickly(name, tmp_path):
    data, expected = ADVERSARIAL[name]
    path = tmp_path / "file.md"
    path.write_bytes(data)
    def limit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (TIME_LIMIT, TIME_LIMIT + 1))

    try:
        result = subprocess.run([sys.executable, "-c", _RUN, str(path)], cwd=Path(__file__).parents[2],
                                capture_output=True, text=True, timeout=WALL_LIMIT, preexec_fn=limit_cpu)
    except subprocess.TimeoutExpired:
        pytest.fail(f"importing “{name}” hung for {WALL_LIMIT} s")
    if result.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        pytest.fail(f"importing “{name}” took more than {TIME_LIMIT} s of CPU time")
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_utf16_with_bom_is_accepted(capp):
    assert _parse(capp, "# Titel\n\n## K\n\nÄrger".encode("utf-16")).chapters[0].paragraphs == ["<p>Ärger</p>"]


def _upload(client, slug, data, url=None, name="entwurf.md"):
    return client.post(
        url or f"/p/{slug}/documents/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_initiator_uploads_a_file_in_the_browser(draft, login):
    client = login(draft.app, draft.people.initiator)
    response = _upload(client, draft.slug, (FIXTURES / "pasted.md").read_bytes())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Klimastrategie 2030 – Entwurf" in page and "has been imported: 2 chapters, 6 paragraphs" in page


def test_upload_errors_are_shown_on_the_form(draft, login):
    client = login(draft.app, draft.people.initiator)
    response = _upload(client, draft.slug, "# Straße".encode("cp1252"))
    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.get_data(as_text=True)
    response = client.post(f"/p/{draft.slug}/documents/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Please choose a file." in response.get_data(as_text=True)
    with draft.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 1


def test_upload_is_for_initiators_only(draft, login):
    for person in (draft.people.anna, draft.people.moderator):
        response = _upload(login(draft.app, person), draft.slug, DRAFT.encode())
        assert response.status_code == 403
    assert _upload(login(draft.app), draft.slug, DRAFT.encode()).status_code == 302  # to the login page
    with draft.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 1


def _structure(app, document_id):
    with app.app_context():
        document = db.session.get(Document, document_id)
        return document.title, [(c.title, [p.html for p in c.paragraphs]) for c in services.chapters_of(document)]


def test_reimport_into_a_commented_document_is_refused_and_changes_nothing(draft, login):
    add_comments(draft.app, draft.project_id, "paragraph", draft.paragraph_ids[0], 2, draft.people.anna.id)
    add_comments(draft.app, draft.project_id, "chapter", draft.chapter_ids[1], 1, draft.people.ben.id)
    before = _structure(draft.app, draft.document_id)
    client = login(draft.app, draft.people.initiator)
    url = f"/p/{draft.slug}/documents/{draft.document_id}/import"
    assert "This document has 3 comments. Importing again would delete them" in client.get(url).get_data(as_text=True)
    response = _upload(client, draft.slug, b"# Neu\n\n## Neu\n\nNeu.", url=url)
    assert response.status_code == 400
    assert "“Klimastrategie 2030” already has 3 comments. Importing again would delete them, so nothing was changed." in response.get_data(as_text=True)
    assert _structure(draft.app, draft.document_id) == before


def test_reimport_into_a_comment_free_document_replaces_its_chapters(draft, login):
    client = login(draft.app, draft.people.initiator)
    url = f"/p/{draft.slug}/documents/{draft.document_id}/import"
    response = _upload(client, draft.slug, b"# Neuer Titel\n\n## Nur eins\n\nA.\n\nB.", url=url)
    assert response.status_code == 302
    assert _structure(draft.app, draft.document_id) == ("Neuer Titel", [("Nur eins", ["<p>A.</p>", "<p>B.</p>"])])
    with draft.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Chapter.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Paragraph.id))) == 2


def test_cli_imports_a_file(draft, tmp_path):
    from plugins.commenting.cli import commenting_group

    path = FIXTURES / "pasted.md"
    result = draft.app.test_cli_runner().invoke(commenting_group, ["import", draft.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported “Klimastrategie 2030 – Entwurf”" in result.output and "2 chapters, 6 paragraphs" in result.output
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"Kein Titel")
    result = draft.app.test_cli_runner().invoke(commenting_group, ["import", draft.slug, str(bad)])
    assert result.exit_code == 1 and "The file has no title" in result.output
    result = draft.app.test_cli_runner().invoke(commenting_group, ["import", "nope", str(path)])
    assert result.exit_code == 1 and "No project 'nope'" in result.output


def test_cli_refuses_to_reimport_a_commented_document(draft):
    from plugins.commenting.cli import commenting_group

    add_comments(draft.app, draft.project_id, "paragraph", draft.paragraph_ids[2], 1, draft.people.anna.id)
    result = draft.app.test_cli_runner().invoke(
        commenting_group, ["import", draft.slug, str(FIXTURES / "pasted.md"), "--document", str(draft.document_id)]
    )
    assert result.exit_code == 1 and "already has 1 comments" not in result.output and "already has 1 comment" in result.output
