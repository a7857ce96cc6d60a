"""Numbers for the initiators' overview page: per chapter, per paragraph, per day, most discussed."""
from __future__ import annotations

from datetime import date

from core.toolkit import Project

from plugins.comments import api as comments

from . import services
from .items import CHAPTER, PARAGRAPH

CHART_WIDTH = 640
CHART_HEIGHT = 160


def overview(project: Project) -> dict:
    paragraph_places, chapter_places = services.places(project)
    paragraph_counts = comments.comment_counts(PARAGRAPH, list(paragraph_places))
    chapter_counts = comments.comment_counts(CHAPTER, list(chapter_places))

    chapters = []
    for chapter_id, place in chapter_places.items():
        paragraphs = [
            {"id": pid, "place": p, "count": paragraph_counts.get(pid, 0)}
            for pid, p in paragraph_places.items() if p.chapter_id == chapter_id
        ]
        own = chapter_counts.get(chapter_id, 0)
        chapters.append({
            "id": chapter_id, "place": place, "own": own, "paragraphs": paragraphs,
            "total": own + sum(p["count"] for p in paragraphs),
        })
    most = max([c["total"] for c in chapters] + [1])
    most_paragraph = max([paragraph_counts.get(p, 0) for p in paragraph_places] + [1])
    for chapter in chapters:
        chapter["bar"] = round(100 * chapter["total"] / most)
        for paragraph in chapter["paragraphs"]:
            paragraph["bar"] = round(100 * paragraph["count"] / most_paragraph)

    top = sorted(
        ({"id": pid, "place": p, "count": paragraph_counts.get(pid, 0)} for pid, p in paragraph_places.items()),
        key=lambda row: (-row["count"], row["id"]),
    )
    top = [row for row in top if row["count"]][:10]

    days = comments.comments_per_day(project.id)  # every day from the first to the last, 0 where none
    total = sum(paragraph_counts.values()) + sum(chapter_counts.values())
    return {
        "chapters": chapters,
        "top": top,
        "days": days,
        "day_chart": day_chart(days),
        "total": total,
        "paragraph_total": sum(paragraph_counts.values()),
        "chapter_total": sum(chapter_counts.values()),
        "paragraph_count": len(paragraph_places),
        "discussed_paragraphs": sum(1 for p in paragraph_places if paragraph_counts.get(p)),
    }


def day_chart(days: list[tuple[date, int]]) -> dict:
    """Geometry of a column chart (SVG user units) for ``days``."""
    if not days:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "max": 0}
    most = max(n for _, n in days) or 1
    slot = CHART_WIDTH / len(days)
    width = max(2.0, slot * 0.7)
    plot = CHART_HEIGHT - 30  # room for labels below and numbers above
    label_every = max(1, round(len(days) / 12))
    bars = []
    for i, (day, n) in enumerate(days):
        height = plot * n / most
        bars.append({
            "day": day, "count": n, "x": round(i * slot + (slot - width) / 2, 2), "width": round(width, 2),
            "y": round(CHART_HEIGHT - 18 - height, 2), "height": round(height, 2),
            "center": round(i * slot + slot / 2, 2), "label": i % label_every == 0,
        })
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "max": most}
