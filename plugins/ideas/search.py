"""Ideas in the site search: title, description and place; a hidden idea (and its discussion) only for moderators."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.toolkit import SearchDocument, SearchSource

from .models import Idea
from .services import idea_url, load_ideas


def document(idea: Idea) -> SearchDocument:
    return SearchDocument(idea.project_id, idea.title, f"{idea.description_text}\n{idea.location}",
                          hidden=idea.is_hidden)


SOURCE = SearchSource("idea", _l("Idea"), Idea, document=document, load=load_ideas, url=idea_url,
                      plural=_l("Ideas"))
