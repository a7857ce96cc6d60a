"""The ideas' figures on an idea phase's results page: how many were submitted and what was decided.

Ideas carry the organisation's decision (``review_status``: under review,
accepted, partly accepted, rejected, implemented), so the page answers "what
became of our ideas?" with a count per status, each linking to the filtered
list, plus the count per category. Hidden ideas are not counted: readers
never saw them. Two queries, however many ideas there are.
"""
from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import func, select

from core.toolkit import Phase, Project, ResultSection, _, db, render_template, url_for

from .models import REVIEW_STATUSES, Category, Idea

UNDECIDED = ""


def figures(project: Project) -> dict:
    visible = (Idea.project_id == project.id, Idea.hidden_at.is_(None))
    by_status = dict(db.session.execute(
        select(Idea.review_status, func.count(Idea.id)).where(*visible).group_by(Idea.review_status)).all())
    by_category = db.session.execute(
        select(Category.id, Category.name, func.count(Idea.id))
        .join(Idea, Idea.category_id == Category.id)
        .where(*visible).group_by(Category.id, Category.name).order_by(Category.position, Category.id)).all()
    total = sum(by_status.values())
    statuses = [{"label": label, "count": by_status.get(key, 0),
                 "href": url_for("ideas.index", slug=project.slug, status=key)}
                for key, label in REVIEW_STATUSES]
    undecided = by_status.get(None, 0)
    if undecided:
        statuses.append({"label": _("No decision yet"), "count": undecided})
    categories = [{"label": name, "count": count} for _id, name, count in by_category]
    uncategorised = total - sum(row["count"] for row in categories)
    if categories and uncategorised:
        categories.append({"label": _("Without category"), "count": uncategorised})
    return {"total": total, "statuses": statuses, "categories": categories}


def sections(project: Project, phase: Phase) -> list[ResultSection]:
    numbers = figures(project)
    html = Markup(render_template("ideas/_results.html", project=project, figures=numbers))
    return [ResultSection(_("Ideas"), html, order=20, key="ideas.status")]
