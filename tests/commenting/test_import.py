"""Markdown import: pasted text imports cleanly; bad files get clear, localized errors; comments are never lost."""
from __future__ import annotations

import io

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
    ],
    ids=["empty", "blank", "cp1252", "no title", "two titles", "too large"],
)
def test_bad_files_get_clear_localized_errors(capp, source, english, german):
    assert english in _error(capp, source, "en")
    assert german in _error(capp, source, "de")


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
