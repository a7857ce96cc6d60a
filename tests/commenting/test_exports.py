"""Every comment goes into the "All comments" export, in the browser and on the command line."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.extensions import db
from tests.commenting.conftest import add_comments

HEADERS = [
    "Comment no.", "Document", "Chapter", "Paragraph", "Paragraph excerpt", "Reply to comment no.", "Author",
    "Text", "Created", "Last edited", "Agreements", "Disagreements", "Moderation status", "Moderation reason", "Moderator remark",
]


@pytest.fixture
def discussed(draft):
    """Comments, a reply, a hidden and a deleted one, a formula-like text, a chapter comment and a vote."""
    from core.models import Project, User
    from plugins.comments.models import Comment
    from plugins.comments import api as discussion

    app = draft.app
    with app.app_context():
        project = db.session.get(Project, draft.project_id)
        anna, ben = db.session.get(User, draft.people.anna.id), db.session.get(User, draft.people.ben.id)
        p11, p12, p13, p21 = draft.paragraph_ids[:4]
        first = discussion.add_comment("paragraph", p11, project, anna, "Gute Idee")
        reply = discussion.add_comment("paragraph", p11, project, ben, "Finde ich auch", parent=first)
        hidden = discussion.add_comment("paragraph", p12, project, ben, "Beleidigung")
        hidden.status, hidden.moderation_reason, hidden.moderator_remark = "hidden", "Beleidigend", "intern: Hinweis"
        deleted = discussion.add_comment("paragraph", p13, project, anna, "Zurückgezogen")
        deleted.status, deleted.text = "deleted", ""
        formula = discussion.add_comment("paragraph", p21, project, ben, "=HYPERLINK(\"http://evil\")")
        chapter = discussion.add_comment("chapter", draft.chapter_ids[1], project, anna, "Zum ganzen Kapitel")
        db.session.commit()
        from plugins.comments.services import set_vote

        set_vote(db.session.get(Comment, first.id), ben, 1)
        return dict(first=first.id, reply=reply.id, hidden=hidden.id, deleted=deleted.id, formula=formula.id,
                    chapter=chapter.id)


def _by_id(rows):
    return {int(r[0]): r for r in rows}


def _check(rows, ids):
    assert len(rows) == 6
    rows = _by_id(rows)
    assert [str(v) if v is not None else "" for v in rows[ids["first"]][:9]][:8] == [
        str(ids["first"]), "Klimastrategie 2030", "Ausgangslage", "1.1", "Erster Absatz über die Lage.", "", "Anna", "Gute Idee",
    ]
    assert str(rows[ids["first"]][10]) == "1" and str(rows[ids["first"]][12]) == "visible"
    assert str(rows[ids["reply"]][5]) == str(ids["first"]) and rows[ids["reply"]][7] == "Finde ich auch"
    assert list(rows[ids["hidden"]][12:15]) == ["hidden", "Beleidigend", "intern: Hinweis"]
    assert rows[ids["hidden"]][3] == "1.2" and rows[ids["hidden"]][4] == "Gebäude Verkehr"
    assert rows[ids["deleted"]][12] == "deleted" and rows[ids["deleted"]][3] == "1.3"
    assert rows[ids["formula"]][7] == "'=HYPERLINK(\"http://evil\")" and rows[ids["formula"]][3] == "2.1"
    assert rows[ids["chapter"]][2] == "Maßnahmen" and rows[ids["chapter"]][3] == "2"
    assert rows[ids["chapter"]][4] == "(the chapter as a whole)"


def test_csv_and_xlsx_in_the_browser_contain_every_comment(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    response = client.get(f"/p/{draft.slug}/export/document-comments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert table[0] == HEADERS
    _check(table[1:], discussed)
    created = _by_id(table[1:])[discussed["first"]][8]
    assert created == "2026-03-29 12:00:00 +02:00"  # 10:00 UTC in Berlin, summer time since 02:00 that night
    response = client.get(f"/p/{draft.slug}/export/document-comments.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    zoned = {"Created": "Created (Europe/Berlin)", "Last edited": "Last edited (Europe/Berlin)"}
    assert list(rows[0]) == [zoned.get(h, h) for h in HEADERS]
    _check([["" if v is None else v for v in r] for r in rows[1:]], discussed)
    assert str(_by_id(rows[1:])[discussed["first"]][8]) == "2026-03-29 12:00:00"


def test_export_headers_follow_the_language(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    text = client.get(f"/p/{draft.slug}/export/document-comments.csv", headers={"Accept-Language": "de"}).get_data(as_text=True)
    # German readers get German Excel's dialect by default: semicolons, the BOM first.
    assert text.splitlines()[0].startswith("\ufeffKommentar-Nr.;Dokument;Kapitel;Absatz;")
    assert ";ausgeblendet;Beleidigend;" in text and "(das Kapitel als Ganzes)" in text


def test_a_deleted_paragraphs_comments_stay_in_the_export(draft, discussed, login):
    client = login(draft.app, draft.people.initiator)
    pid = draft.paragraph_ids[0]
    client.post(f"/p/{draft.slug}/documents/paragraph/{pid}/delete", data={"expected": "2"})
    table = list(csv.reader(io.StringIO(client.get(f"/p/{draft.slug}/export/document-comments.csv").get_data(as_text=True)[1:])))
    assert _by_id(table[1:])[discussed["first"]][4] == "(deleted from the document)"


def test_a_deleted_paragraphs_comments_leave_the_site_but_moderators_still_reach_them(draft, discussed, login):
    initiator, anna = login(draft.app, draft.people.initiator), login(draft.app, draft.people.anna)
    first, reply = discussed["first"], discussed["reply"]
    assert anna.get(f"/comments/c/{first}").status_code == 200
    initiator.post(f"/p/{draft.slug}/documents/paragraph/{draft.paragraph_ids[0]}/delete", data={"expected": "2"})
    # Gone for participants and visitors: no page, no vote, no edit.
    for client in (anna, login(draft.app)):
        assert client.get(f"/comments/c/{first}").status_code == 404
    assert anna.post(f"/comments/c/{reply}/vote", data={"value": "agree"}).status_code == 404
    assert anna.post(f"/comments/c/{first}/edit", data={"text": "Doch noch"}).status_code == 404
    # Moderators read it, told why it has no context, and find it in the queue.
    page = initiator.get(f"/comments/c/{first}").get_data(as_text=True)
    assert "Gute Idee" in page and "What this comment was about has been deleted" in page
    assert "All comments in this discussion" not in page
    queue = initiator.get(f"/p/{draft.slug}/comments/moderation").get_data(as_text=True)
    assert "Gute Idee" in queue and "what it was about has been deleted" in queue


@pytest.mark.parametrize("who", ["anna", "moderator", None])
def test_others_cannot_export(draft, discussed, login, who):
    client = login(draft.app, getattr(draft.people, who) if who else None)
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/p/{draft.slug}/export/document-comments.{fmt}")
        if who is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403


def test_management_page_offers_the_export(draft, login):
    page = login(draft.app, draft.people.initiator).get(f"/p/{draft.slug}/manage").get_data(as_text=True)
    assert f'/p/{draft.slug}/export/document-comments.xlsx' in page and "All comments on the documents, with chapter and paragraph" in page
    assert f'/p/{draft.slug}/documents/overview' in page and "Comment statistics" in page  # under "Modules"


def test_cli_exports_csv_and_xlsx(draft, discussed, tmp_path):
    from plugins.commenting.cli import commenting_group

    runner = draft.app.test_cli_runner()
    result = runner.invoke(commenting_group, ["export", draft.slug])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert table[0] == HEADERS
    _check(table[1:], discussed)
    target = tmp_path / "alle.xlsx"
    result = runner.invoke(commenting_group, ["export", draft.slug, "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    _check([["" if v is None else v for v in r] for r in rows[1:]], discussed)
    result = runner.invoke(commenting_group, ["export", "nope"])
    assert result.exit_code == 1 and "No project 'nope'" in result.output


def test_the_command_is_registered_on_the_mitsprache_cli(draft, monkeypatch):
    import click

    group = click.Group("mitsprache")
    draft.app.extensions["mitsprache"].pm.hook.register_commands(cli=group)
    assert "import" in group.commands["commenting"].commands and "export" in group.commands["commenting"].commands


def test_core_export_command_uses_this_exporter(draft, discussed):
    from core.cli import export_command

    result = draft.app.test_cli_runner().invoke(export_command, [draft.slug, "document-comments"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip("\ufeff").splitlines()[0] == ",".join(HEADERS)


def test_rows_are_generated_lazily(draft, discussed):
    import types

    from core.models import Project
    from plugins.commenting.exports import rows

    with draft.app.test_request_context():
        generator = rows(db.session.get(Project, draft.project_id))
        assert isinstance(generator, types.GeneratorType)
        assert len(list(generator)) == 6
