"""``mitsprache matchmaking recommend SLUG --challenge ID``: the suggestions of one item, on the command line.

::

    mitsprache matchmaking recommend regionalforum --challenge CH-017 --limit 5
    mitsprache matchmaking recommend regionalforum --initiative 42 --json

``--challenge`` and ``--initiative`` take the item's ``external_id`` (from the
import) or its id. The text output lists rank, score, title and reasons; the
JSON is a list of objects with ``id``, ``external_id``, ``title``, ``score``
and ``reasons`` (sentences in the deployment's default language).
"""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from core.toolkit import Project, db


def _find(model, project: Project, reference: str):
    """The item by external id, else by id, in this project; None when neither matches."""
    item = db.session.scalar(db.select(model).where(model.project_id == project.id, model.external_id == reference))
    if item is None and reference.isdigit() and int(reference) < 2**31:
        item = db.session.scalar(db.select(model).where(model.project_id == project.id, model.id == int(reference)))
    return item


@click.command("recommend")
@click.argument("slug")
@click.option("--challenge", "challenge_ref", metavar="EXTERNAL_ID_OR_ID", help="Initiatives for this challenge.")
@click.option("--initiative", "initiative_ref", metavar="EXTERNAL_ID_OR_ID", help="Challenges for this initiative.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many partners.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of {id, external_id, title, score, reasons}.")
@with_appcontext
def recommend_command(slug: str, challenge_ref: str | None, initiative_ref: str | None, limit: int,
                      as_json: bool) -> None:
    """Ranked partners of a challenge or an initiative of project SLUG, with score and reasons."""
    from .models import Challenge, Initiative
    from .recommend import recommend_for_challenge, recommend_for_initiative

    if (challenge_ref is None) == (initiative_ref is None):
        raise click.UsageError("Give either --challenge or --initiative.")
    project = db.session.scalar(db.select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException(f"No project '{slug}'.")
    if challenge_ref is not None:
        item = _find(Challenge, project, challenge_ref)
        if item is None:
            raise click.ClickException(f"Project '{slug}' has no challenge '{challenge_ref}' (external id or id).")
        suggestions, partner, heading = recommend_for_challenge(item, limit), Initiative, f"Initiatives for: {item.title}"
    else:
        item = _find(Initiative, project, initiative_ref)
        if item is None:
            raise click.ClickException(f"Project '{slug}' has no initiative '{initiative_ref}' (external id or id).")
        suggestions, partner, heading = recommend_for_initiative(item, limit), Challenge, f"Challenges for: {item.name}"

    title_column = partner.title if partner is Challenge else partner.name
    found = {row.id: row for row in db.session.execute(
        db.select(partner.id, partner.external_id, title_column.label("title"))
        .where(partner.id.in_([s.id for s in suggestions])))}
    rows = [
        {"id": s.id, "external_id": found[s.id].external_id, "title": found[s.id].title, "score": s.score,
         "reasons": [str(reason) for reason in s.reasons]}
        for s in suggestions if s.id in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(heading)
    if not rows:
        click.echo("No suggestions: nothing in the catalogue shares a field, a need, a region or words with it.")
    for place, row in enumerate(rows, start=1):
        reference = f"id {row['id']}" + (f", {row['external_id']}" if row["external_id"] else "")
        click.echo(f"{place:3}. {row['score']:.3f}  {row['title']}  ({reference})")
        click.echo(f"       {'; '.join(row['reasons'])}")
