"""Pages and htmx fragments of the comments plugin, one module per concern.

- :mod:`.thread`: a thread's page and widget, "show more", posting comments and
  replies, a comment's permalink and its replies;
- :mod:`.editing`: editing and deleting one's own comment;
- :mod:`.votes_reports`: agreeing or disagreeing, reporting to the moderators;
- :mod:`.moderation`: moderating one comment (hide, restore, remark);
- :mod:`.queue`: a project's moderation queue, bulk actions and the log;
- :mod:`.common`: the blueprints and what the others share.

Every write works as a plain form post (redirect back to the page the reader
came from, anchored at ``#comment-<id>``) and as an htmx request (the changed
part is swapped in place; ``HX-Trigger: comments:changed`` tells the owner
plugin that the number of comments may have changed).
"""
from __future__ import annotations

from flask_babel import format_decimal

from core.toolkit import text_to_html

from ..thread import comment_words
from . import editing, moderation, queue, thread, votes_reports
from .common import bp, moderation_bp

#: The modules whose routes are on the blueprints (importing them registers the routes).
VIEW_MODULES = (thread, editing, votes_reports, moderation, queue)


@bp.app_template_filter("comment_number")
def comment_number_filter(value):
    """A count in the reader's language: 1,000 / 1.000."""
    return format_decimal(value)


bp.add_app_template_global(comment_words, "comment_words")


@bp.app_template_filter("comment_text")
def comment_text_filter(text):
    """Plain text typed by a person (a moderator remark) as safe HTML with links."""
    return text_to_html(text)


__all__ = ["bp", "moderation_bp"]
