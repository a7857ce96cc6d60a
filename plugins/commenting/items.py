"""The two things of a draft that people discuss, as the core's item types.

``paragraph`` and ``chapter`` (the chapter as a whole) are declared once
(``register_item_types``); the comments plugin finds them there. Their names
are also the ``target_type`` of their comments.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.toolkit import ItemType

from . import services
from .models import CHAPTER, PARAGRAPH, chapter_scope_path, paragraph_path

__all__ = ["CHAPTER", "PARAGRAPH", "item_types"]


def item_types() -> list[ItemType]:
    # The moderation queue names each paragraph by its number ("Paragraph: 2.3").
    # "responses": after the consultation the organisation answers a paragraph's whole discussion.
    return [
        ItemType(PARAGRAPH, _l("Paragraph"), load=services.load_paragraphs, url=services.paragraph_url,
                 title=services.paragraph_title, offers=frozenset({"comments", "responses"}), plural=_l("Paragraphs"),
                 cache_scope=paragraph_path),
        ItemType(CHAPTER, _l("Chapter"), load=services.load_chapters, url=services.chapter_url,
                 title=services.chapter_title, offers=frozenset({"comments"}), plural=_l("Chapters"),
                 cache_scope=chapter_scope_path),
    ]
