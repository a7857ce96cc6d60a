"""What the ideas plugin keeps about a person, for their data download and for deleting their account.

Their ideas (``user_contributions``). When the account is deleted
(``delete_user_data``) with ``keep``, the ideas stay under the core's "deleted
account"; with ``remove``, an idea nobody discussed is deleted as its author
would withdraw it, and an idea others discussed keeps its discussion under a
placeholder ("Withdrawn idea") with its text and place erased, as a withdrawn
comment does.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.toolkit import Contribution, db

from plugins.comments import api as comments

from .models import Idea
from .services import idea_url


def contributions(user) -> list[Contribution]:
    """The person's ideas, with category and moderation, in one query."""
    ideas = db.session.scalars(
        select(Idea).options(joinedload(Idea.project), joinedload(Idea.category))
        .where(Idea.author_id == user.id).order_by(Idea.id)
    )
    return [
        Contribution("idea", _l("Idea"), idea.project, idea.title, idea.created_at, url=idea_url(idea), data={
            "id": idea.id, "title": idea.title, "description": idea.description_text, "location": idea.location,
            "category": idea.category.name if idea.category else None, "status": idea.status,
            "created_at": idea.created_at, "updated_at": idea.updated_at,
            "hidden_at": idea.hidden_at, "hidden_reason": idea.hidden_reason or None,
        })
        for idea in ideas
    ]


def delete_data(user, mode: str) -> None:
    """With ``remove``: withdraw the person's ideas (see the module docstring); nothing for ``keep``."""
    if mode != "remove":
        return
    ideas = list(db.session.scalars(select(Idea).where(Idea.author_id == user.id)))
    discussed = comments.comment_counts("idea", [idea.id for idea in ideas])
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        placeholder = gettext("Withdrawn idea")
    for idea in ideas:
        if discussed.get(idea.id):
            idea.set_content(placeholder, "", "")
        else:
            comments.delete_comments("idea", idea.id)  # placeholders of withdrawn comments, if any
            db.session.delete(idea)
