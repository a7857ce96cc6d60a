"""The draft's figures on a commenting phase's results page: who took part, comments per chapter, hot spots.

Counts cover the project's documents as a whole (paragraphs and chapters belong
to the project, not to one phase) and leave deleted comments out, like the
initiators' statistics page. Five queries, however long the draft and its
discussion: the places (documents, chapters, paragraphs), the counts per
paragraph and per chapter, and the number of people.
"""
from __future__ import annotations

from markupsafe import Markup

from core.toolkit import Phase, Project, ResultSection, _, render_template, url_for

from plugins.comments import api as comments

from . import services
from .items import CHAPTER, PARAGRAPH

TOP = 5


def figures(project: Project) -> dict:
    """The numbers a results page shows, in a fixed number of queries."""
    paragraph_places, chapter_places = services.places(project)
    paragraph_counts = comments.comment_counts(PARAGRAPH, list(paragraph_places))
    chapter_counts = comments.comment_counts(CHAPTER, list(chapter_places))
    per_chapter = {chapter_id: chapter_counts.get(chapter_id, 0) for chapter_id in chapter_places}
    for paragraph_id, place in paragraph_places.items():
        per_chapter[place.chapter_id] += paragraph_counts.get(paragraph_id, 0)
    chapters = [{"label": f"{place.number}. {place.chapter}", "count": per_chapter[chapter_id],
                 "note": place.document if len({p.document_id for p in chapter_places.values()}) > 1 else "",
                 "href": url_for("commenting.chapter", slug=project.slug, chapter_id=chapter_id)}
                for chapter_id, place in chapter_places.items()]
    ranked = sorted((pid for pid in paragraph_places if paragraph_counts.get(pid)),
                    key=lambda pid: (-paragraph_counts[pid], pid))[:TOP]
    top = [{"label": f"{paragraph_places[pid].number} {paragraph_places[pid].excerpt}", "count": paragraph_counts[pid],
            "href": url_for("commenting.chapter", slug=project.slug,
                            chapter_id=paragraph_places[pid].chapter_id) + f"#p-{pid}"}
           for pid in ranked]
    return {
        "participants": comments.participant_count(project.id, (PARAGRAPH, CHAPTER)),
        "total": sum(per_chapter.values()),
        "paragraphs": len(paragraph_places),
        "discussed": sum(1 for pid in paragraph_places if paragraph_counts.get(pid)),
        "chapters": chapters,
        "top": top,
    }


def sections(project: Project, phase: Phase) -> list[ResultSection]:
    numbers = figures(project)
    if not numbers["chapters"]:
        return []  # no draft to report on
    html = Markup(render_template("commenting/_results.html", project=project, figures=numbers))
    return [ResultSection(_("Comments on the draft"), html, order=10, key="commenting.draft")]
