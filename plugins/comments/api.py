"""The public API of the comments plugin: what other plugins import.

::

    from plugins.comments.api import Commentable, thread_html, comment_counts

    @hookimpl
    def register_commentables(register):
        register(Commentable("idea", _l("Idea"), load=load_ideas, url=lambda idea: ...))

    # in a view or template: the whole discussion widget for one idea
    thread_html("idea", idea.id, idea.project)

See ``plugins/comments/README.md`` for every function with examples.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby, islice
from typing import Any, Callable, Iterable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, func, select

from core.toolkit import db, item_scope, ItemType

from .models import AGREE, DELETED, DISAGREE, HIDDEN, VISIBLE, Comment
from .queries import vote_count
from .targets import CAPABILITY, discussable
from .targets import target_type as target_type_of


@dataclass(frozen=True)
class Commentable:
    """The older way to make objects discussable; new plugins declare an ``ItemType`` in the core.

    ``register_commentables`` still accepts these, so plugins written for it keep
    working: each is read as ``ItemType(..., offers={"comments"})`` with the same
    ``type``, ``label``, ``load(ids)``, ``url(obj)`` and optional ``title(obj)``
    and ``visible(obj)``.
    """

    type: str
    label: Any
    load: Callable[[list[int]], dict[int, Any]]
    url: Callable[[Any], str]
    title: Callable[[Any], str] | None = None
    visible: Callable[[Any], bool] | None = None

    def as_item_type(self) -> ItemType:
        return ItemType(self.type, self.label, load=self.load, url=self.url, title=self.title, visible=self.visible,
                        offers=frozenset({CAPABILITY}))


@dataclass(frozen=True)
class CommentRow:
    """One comment as exports see it (``text`` is plain text; empty when deleted)."""

    id: int
    parent_id: int | None
    target_type: str
    target_id: int
    author_name: str
    text: str
    created_at: datetime
    edited_at: datetime | None
    agree: int
    disagree: int
    status: str
    moderation_reason: str | None
    moderator_remark: str | None


def commentables() -> dict[str, ItemType]:
    """Every item type people can discuss, by name (see :mod:`.targets`)."""
    return discussable()


def get_commentable(target_type: str) -> ItemType | None:
    """The item type ``target_type`` if people can discuss it (see :mod:`.targets`)."""
    return target_type_of(target_type)


#: The actions a discussion's own phase governs (editing and deleting follow ``comment.create``).
PHASE_BOUND_ACTIONS = frozenset({"comment.create", "comment.rate"})


def phase_bound(action: str, obj: Any, project, *, kinds: Iterable[str], types: Iterable[str],
                models: tuple[type, ...] = ()):
    """For the ``check_permission`` hook of a plugin whose objects people discuss.

    Any phase kind that lists ``comment.create`` opens commenting in the whole
    project; this narrows it to the owner's own kinds for the owner's objects
    (``obj`` an instance of ``models``, or a comment on one of ``types``), so the
    paragraphs of a draft whose commenting phase ended stay closed while the
    project's idea phase is open. Returns the refusal with its dated reason
    ("This was possible until …"), or None (no objection)::

        @hookimpl
        def check_permission(user, action, obj, project):
            return phase_bound(action, obj, project, kinds={"ideas"}, types={"idea"}, models=(Idea,))
    """
    if action not in PHASE_BOUND_ACTIONS or project is None:
        return None
    if isinstance(obj, Comment):
        if obj.target_type not in set(types):
            return None
    elif not isinstance(obj, models):
        return None
    from core.toolkit import participation_decision

    decision = participation_decision(action, project, kinds=frozenset(kinds))
    return None if decision else decision


def thread_html(target_type: str, target_id: int, project, *, heading_level: int = 2, sort: str | None = None) -> Markup:
    """The complete discussion widget for one target, ready to print in a template.

    Comment form (or the participation notice / log-in prompt), sort switch,
    the first page of top-level comments with reply previews. A fixed number of
    queries whatever the size of the thread. ``heading_level`` sets the level of
    the widget's heading (``<h2>`` by default) to fit into the host page.
    """
    from .thread import build_thread, cached_for_anonymous

    commentable = get_commentable(target_type)
    if commentable is None:
        raise LookupError(f"no commentable type {target_type!r} is registered")
    target = commentable.load([target_id]).get(target_id)

    def render() -> str:
        view = build_thread(target_type, target_id, project, sort=sort, heading_level=heading_level, target=target)
        return render_template("comments/_thread.html", thread=view)

    if target is None:  # the owner passed an id its own ``load`` does not know: nothing to cache by
        return Markup(render())
    key = ("comments.thread_html", target_type, target_id, sort, heading_level)
    return Markup(cached_for_anonymous(key, target, project, render, scope=item_scope(target_type, target_id, project.id),
                                       whole_response=False))


def thread_url(target_type: str, target_id: int, **params: Any) -> str:
    """A standalone page for the thread (works without JavaScript; htmx loads its fragment)."""
    return url_for("comments.thread", target_type=target_type, target_id=target_id, **params)


def comment_counts(target_type: str, target_ids: Iterable[int]) -> dict[int, int]:
    """Comments including replies, not deleted, per target id (ids without comments: 0). One query."""
    ids = list(dict.fromkeys(int(i) for i in target_ids))
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = db.session.execute(
        select(Comment.target_id, func.count(Comment.id))
        .where(Comment.target_type == target_type, Comment.target_id.in_(ids), Comment.status != DELETED)
        .group_by(Comment.target_id)
    )
    counts.update({target_id: n for target_id, n in rows})
    return counts


def participant_count(project_id: int, target_types: Iterable[str]) -> int:
    """How many people wrote comments (not deleted) on a project's targets of ``target_types``. One query.

    For results pages: "38 people took part in the discussion of the draft".
    """
    return db.session.scalar(
        select(func.count(func.distinct(Comment.author_id)))
        .where(Comment.project_id == project_id, Comment.target_type.in_(list(target_types)), Comment.status != DELETED)
    ) or 0


def comment_count_expression(target_type: str, id_column) -> Any:
    """A correlated count of a target's comments (not deleted), for the owner's ORDER BY.

    Lets a plugin sort its own list by "most discussed" without knowing this plugin's tables::

        query.order_by(comment_count_expression("idea", Idea.id).desc())
    """
    return (
        select(func.count(Comment.id))
        .where(Comment.target_type == target_type, Comment.target_id == id_column, Comment.status != DELETED)
        .correlate_except(Comment)
        .scalar_subquery()
    )


def delete_comments(target_type: str, target_id: int) -> int:
    """Delete every comment on a target, with its votes, reports and log entries (database cascades).

    For an owner plugin that deletes the target itself (a paragraph, a withdrawn
    idea), so no orphaned comments remain. Runs in the caller's transaction; the
    caller commits. Returns how many comments went.
    """
    where = (Comment.target_type == target_type, Comment.target_id == target_id)
    count = db.session.scalar(select(func.count(Comment.id)).where(*where))
    if not count:
        return 0
    # Replies go with their parents through the foreign key cascade, so count before deleting.
    db.session.execute(delete(Comment).where(*where).execution_options(synchronize_session=False))
    return count


def iter_comments(project_id: int, target_type: str | None = None) -> Iterator[CommentRow]:
    """Every comment of a project (including hidden and deleted ones), streamed for exports.

    Ordered by target type, target id and id; rows are fetched in batches
    (``yield_per``: a server-side cursor on PostgreSQL), so memory stays flat.
    """
    from core.toolkit import User

    query = (
        select(
            Comment.id, Comment.parent_id, Comment.target_type, Comment.target_id, User.display_name,
            Comment.text, Comment.created_at, Comment.edited_at, vote_count(AGREE), vote_count(DISAGREE),
            Comment.status, Comment.moderation_reason, Comment.moderator_remark,
        )
        .join(User, User.id == Comment.author_id)
        .where(Comment.project_id == project_id)
        .order_by(Comment.target_type, Comment.target_id, Comment.id)
        .execution_options(yield_per=500)
    )
    if target_type is not None:
        query = query.where(Comment.target_type == target_type)
    for row in db.session.execute(query):
        (cid, parent_id, ttype, tid, author, text, created, edited, agree, disagree, status, reason, remark) = row
        deleted = status == DELETED
        yield CommentRow(
            id=cid, parent_id=parent_id, target_type=ttype, target_id=tid,
            author_name="" if deleted else author, text="" if deleted else (text or ""),
            created_at=created, edited_at=edited, agree=agree or 0, disagree=disagree or 0,
            status=status, moderation_reason=reason, moderator_remark=remark,
        )


def comments_per_day(project_id: int, target_type: str | None = None) -> list[tuple[date, int]]:
    """Comments written per calendar day (deployment time zone), not deleted ones.

    Days between the first and the last comment without comments are included
    with 0, so the list can be charted directly. Empty list when there are none.
    """
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    query = (
        select(Comment.created_at)
        .where(Comment.project_id == project_id, Comment.status != DELETED)
        .execution_options(yield_per=2000)
    )
    if target_type is not None:
        query = query.where(Comment.target_type == target_type)
    counts: dict[date, int] = {}
    for (created,) in db.session.execute(query):
        day = created.astimezone(zone).date()
        counts[day] = counts.get(day, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    days = []
    day = first
    while day <= last:
        days.append((day, counts.get(day, 0)))
        day = date.fromordinal(day.toordinal() + 1)
    return days


def add_comment(target_type: str, target_id: int, project, author, text: str, parent=None, created_at: datetime | None = None) -> Comment:
    """Store a comment without any permission or phase check: for demo seeding and tests.

    ``parent`` is a :class:`Comment` (or its id) to reply to. Flushes, does not commit.
    """
    from .services import new_comment

    if isinstance(parent, int):
        parent = db.session.get(Comment, parent)
    comment = new_comment(target_type, target_id, project, author, text, parent=parent, created_at=created_at)
    db.session.flush()
    return comment


def rate_comment(comment_id: int, user, value: int) -> None:
    """Agree (1), disagree (-1) or withdraw (0) as ``user``, without checks: for demo content and imports."""
    from .services import set_vote

    set_vote(db.session.get(Comment, comment_id), user, value)


#: Comments per batch when exports look up what they discuss: one query per batch and item type.
SUBJECT_BATCH = 500


def status_labels() -> dict[str, str]:
    """A comment's moderation state ("visible", "hidden", "deleted") as a translated word, for exports."""
    return {VISIBLE: _("visible"), HIDDEN: _("hidden"), DELETED: _("deleted")}


def iter_comments_with_subjects(project_id: int) -> Iterator[tuple[CommentRow, str, str]]:
    """``(comment, item type label, item title)`` for every comment whose item type is still enabled.

    A comment on an item deleted since keeps its row with an empty title. The
    commenting plugin uses this for the comments on other plugins' items.
    """
    rows = iter_comments(project_id)
    while batch := list(islice(rows, SUBJECT_BATCH)):
        titles: dict[tuple[str, int], str] = {}
        for type_name, group in groupby(batch, key=lambda row: row.target_type):
            item_type = target_type_of(type_name)
            if item_type is None:
                continue  # its plugin is disabled
            items = item_type.load(sorted({row.target_id for row in group}))
            titles.update({(type_name, ident): item_type.title_of(item) for ident, item in items.items()})
        labels = {}
        for row in batch:
            item_type = target_type_of(row.target_type)
            if item_type is None:
                continue
            if row.target_type not in labels:
                labels[row.target_type] = str(item_type.label)
            yield row, labels[row.target_type], titles.get((row.target_type, row.target_id), "")


__all__ = [
    "Comment", "CommentRow", "iter_comments_with_subjects", "status_labels", "Commentable", "add_comment", "commentables", "comment_count_expression", "comment_counts",
    "comments_per_day", "delete_comments", "get_commentable", "participant_count", "rate_comment", "iter_comments", "phase_bound", "thread_html",
    "thread_url",
]
