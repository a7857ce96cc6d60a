"""Files that import but look unfinished (an empty last chapter, only a title) are imported with a warning."""
from __future__ import annotations

import io

import pytest

from core.extensions import db

TITLE_ONLY = b"# Nur ein Titel\n"
EMPTY_LAST = b"# T\n\n## Eins\n\nText.\n\n## Anhang\n"


@pytest.mark.parametrize(("locale", "title_only", "empty_chapter"), [
    ("en", "The file has a title but no text", "Line 7: the chapter \u201cAnhang\u201d has no text. It was imported empty"),
    ("de", "Die Datei hat einen Titel, aber keinen Text", "Zeile 7: Das Kapitel \u201eAnhang\u201c hat keinen Text. Es wurde leer importiert"),
])
def test_the_import_page_warns_and_imports(draft, login, locale, title_only, empty_chapter):
    from plugins.commenting.models import Chapter, Document

    client = login(draft.app, draft.people.initiator)
    for data, message in ((TITLE_ONLY, title_only), (EMPTY_LAST, empty_chapter)):
        response = client.post(f"/p/{draft.slug}/documents/import", data={"file": (io.BytesIO(data), "entwurf.md")},
                               content_type="multipart/form-data", headers={"Accept-Language": locale},
                               follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'class="flash flash-warning"' in page and message in page
    with draft.app.app_context():
        titles = db.session.scalars(db.select(Document.title).order_by(Document.id)).all()
        assert titles[-2:] == ["Nur ein Titel", "T"]
        last = db.session.scalars(db.select(Chapter).order_by(Chapter.id.desc())).first()
        assert last.title == "Anhang"


def test_the_command_prints_the_warning(draft, tmp_path):
    from plugins.commenting.cli import commenting_group

    source = tmp_path / "entwurf.md"
    source.write_bytes(EMPTY_LAST)
    result = draft.app.test_cli_runner().invoke(commenting_group, ["import", draft.slug, str(source)])
    assert result.exit_code == 0, result.output
    assert "Imported \u201cT\u201d" in result.stdout
    assert "Warning: Line 7: the chapter \u201cAnhang\u201d has no text." in result.stderr
