"""The initiators' overview: comments per chapter, paragraph and day, and the most discussed paragraphs."""
from __future__ import annotations

import re
from datetime import timedelta

from core.extensions import db
from tests.conftest import T0


def test_overview_numbers_chart_and_top_list(draft, login):
    from core.models import Project, User
    from plugins.comments import api as discussion

    p11, p12, p13, p21, p22 = draft.paragraph_ids
    with draft.app.app_context():
        project = db.session.get(Project, draft.project_id)
        anna = db.session.get(User, draft.people.anna.id)
        for target, n, day in ((p12, 5, 0), (p21, 3, 2), (p11, 1, 2)):
            for i in range(n):
                discussion.add_comment("paragraph", target, project, anna, f"c{i}", created_at=T0 + timedelta(days=day))
        discussion.add_comment("chapter", draft.chapter_ids[1], project, anna, "ganzes Kapitel", created_at=T0)
        db.session.commit()
    page = login(draft.app, draft.people.initiator).get(f"/p/{draft.slug}/documents/overview").get_data(as_text=True)
    assert "<strong>10</strong> comments in all" in page and "<strong>9</strong> on paragraphs" in page
    assert "<strong>3</strong> of 5 paragraphs discussed" in page
    # Per day: 29 and 31 March with a day without comments between them, as a chart and as a table.
    assert 'role="img"' in page and "from 29 March 2026 to 31 March 2026; most on one day: 6" in page
    assert re.search(r"<th scope=\"row\">29 March 2026</th><td>6</td>.*30 March 2026</th><td>0</td>.*31 March 2026</th><td>4</td>", page, re.S)
    assert page.count('class="bar-fill"') >= 3
    # Most discussed first, with links to the paragraph.
    top = page.split('class="top-list"')[1].split("</ol>")[0]
    assert [m for m in re.findall(r"#p-(\d+)", top)] == [str(p12), str(p21), str(p11)]
    assert "1.2 Gebäude Verkehr" in top and "5 comments" in top
    # Per chapter: 6 in chapter 1; chapter 2 has 3 on paragraphs and 1 on the chapter itself.
    assert re.search(r"1\. Ausgangslage</a>.*?<td>6</td>", page, re.S)
    assert re.search(r"2\. Maßnahmen</a>.*?<td>4 <span class=\"help\">\(1 on the whole chapter\)</span></td>", page, re.S)


def test_overview_without_comments_and_for_others(draft, login):
    page = login(draft.app, draft.people.initiator).get(f"/p/{draft.slug}/documents/overview").get_data(as_text=True)
    assert "No comments yet." in page and "No paragraph has been commented on yet." in page
    assert login(draft.app, draft.people.anna).get(f"/p/{draft.slug}/documents/overview").status_code == 403
