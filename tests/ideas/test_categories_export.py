"""Categories managed by initiators, and the ideas export (CSV, XLSX) with other plugins' columns."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from core.extensions import db
from tests.conftest import T0
from tests.ideas import likes_plugin
from tests.ideas.conftest import get_idea, make_idea


def _category_names(app, project_id):
    from plugins.ideas.models import Category

    with app.app_context():
        return db.session.scalars(
            db.select(Category.name).where(Category.project_id == project_id).order_by(Category.position)
        ).all()


def test_initiators_add_rename_and_delete_categories(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    client = login(ideas_app, ctx.people.initiator)
    url = f"/p/{ctx.slug}/ideas/categories"
    assert "Grün" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"name": "Kultur"})
    assert response.status_code == 302
    assert 'The category &#34;Kultur&#34; has been added.' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"name": "kultur"})
    assert response.status_code == 400 and "A category with this name exists already." in response.get_data(as_text=True)
    response = client.post(url, data={"name": ""}, headers={"Accept-Language": "de"})
    assert response.status_code == 400 and "Dieses Feld wird benötigt." in response.get_data(as_text=True)
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Verkehr", "Kultur"]

    client.post(f"{url}/{ctx.categories['Verkehr']}", data={"name": "Mobilität"})
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Mobilität", "Kultur"]
    client.post(f"{url}/{ctx.categories['Verkehr']}", data={"name": "Grün"})
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Mobilität", "Kultur"]

    assert client.post(f"{url}/{ctx.categories['Verkehr']}/delete").status_code == 302
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Kultur"]


def test_deleting_a_category_with_ideas_needs_a_target(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    idea_id = make_idea(ideas_app, ctx, ctx.people.anna, "Bäume", category="Grün")
    client = login(ideas_app, ctx.people.initiator)
    url = f"/p/{ctx.slug}/ideas/categories"
    page = client.get(url).get_data(as_text=True)
    assert "Move its 1 idea to" in page
    response = client.post(f"{url}/{ctx.categories['Grün']}/delete")
    assert "still has ideas" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Verkehr"]
    client.post(f"{url}/{ctx.categories['Grün']}/delete", data={"move_to": str(ctx.categories["Verkehr"])})
    assert _category_names(ideas_app, ctx.project_id) == ["Verkehr"]
    assert get_idea(ideas_app, idea_id).category_id == ctx.categories["Verkehr"]


def test_only_initiators_manage_categories(ideas_app, setup_ideas, login):
    ctx = setup_ideas(ideas_app)
    url = f"/p/{ctx.slug}/ideas/categories"
    for who in (ctx.people.moderator, ctx.people.anna):
        client = login(ideas_app, who)
        assert client.get(url).status_code == 403
        assert client.post(url, data={"name": "Hack"}).status_code == 403
        assert client.post(f"{url}/{ctx.categories['Grün']}", data={"name": "Hack"}).status_code == 403
        assert client.post(f"{url}/{ctx.categories['Grün']}/delete").status_code == 403
    assert ideas_app.test_client().get(url).status_code == 302  # to the login page
    assert _category_names(ideas_app, ctx.project_id) == ["Grün", "Verkehr"]


def _export_fixture(app, setup_ideas):
    ctx = setup_ideas(app)
    first = make_idea(app, ctx, ctx.people.anna, "Bäume", "Absatz eins\n\nAbsatz <zwei>", "Grün", location="Markt")
    second = make_idea(app, ctx, ctx.people.ben, "=HYPERLINK(\"x\")", "Formel", "Verkehr",
                       created_at=T0 + timedelta(hours=1), hidden_reason="Spam")
    return ctx, first, second


def test_export_csv_and_xlsx(ideas_app, setup_ideas, login):
    ctx, first, second = _export_fixture(ideas_app, setup_ideas)
    from plugins.comments.api import add_comment
    from core.models import Project, User

    with ideas_app.app_context():
        add_comment("idea", first, db.session.get(Project, ctx.project_id), db.session.get(User, ctx.people.ben.id), "Ja!")
        db.session.commit()
    client = login(ideas_app, ctx.people.initiator)
    response = client.get(f"/p/{ctx.slug}/export/ideas.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:9] == ["Idea no.", "Title", "Description", "Category", "Location", "Author", "Created", "Status", "Comments"]
    assert rows[1][:9] == [str(first), "Bäume", "Absatz eins\n\nAbsatz <zwei>", "Grün", "Markt", "Anna",
                       "2026-03-29 12:00:00 +02:00", "published", "1"]
    assert rows[2][1] == "'=HYPERLINK(\"x\")" and rows[2][5:9] == ["Ben", "2026-03-29 13:00:00 +02:00", "hidden by moderators", "0"]

    response = client.get(f"/p/{ctx.slug}/export/ideas.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["Idea no.", "Title", "Description"]
    assert values[1][0] == first and values[1][3] == "Grün" and values[1][8] == 1
    assert len(values) == 3
    # Only initiators export.
    assert login(ideas_app, ctx.people.moderator).get(f"/p/{ctx.slug}/export/ideas.csv").status_code == 403


def test_other_plugins_append_export_columns(make_app, setup_ideas, login):
    app = make_app(plugins=["comments", "ideas"], extra_plugins=[likes_plugin])
    ctx, first, second = _export_fixture(app, setup_ideas)
    with app.app_context():
        db.session.add(likes_plugin.Like(idea_id=second, user_id=ctx.people.anna.id))
        db.session.commit()
    text = login(app, ctx.people.initiator).get(f"/p/{ctx.slug}/export/ideas.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][8] == "Comments" and rows[0][-1] == "likes"
    assert [r[-1] for r in rows[1:]] == ["0", "1"]
    # The initiator sees the export links on the idea list.
    page = login(app, ctx.people.initiator).get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
    assert f"/p/{ctx.slug}/export/ideas.xlsx" in page and "Manage categories" in page
    assert "Manage categories" not in login(app, ctx.people.anna).get(f"/p/{ctx.slug}/ideas").get_data(as_text=True)
