"""Loading a thread for display with a fixed number of queries, whatever its size.

One page of a thread costs: the target (owner plugin's ``load``), the top-level
comments with their authors, the thread's comment count, the number of replies
of each of them (one grouped query), vote counts, the reader's own votes and
reports, and for moderators the open reports.

Replies are not on the page: each comment shows "N replies", a link to its
permalink page that htmx turns into loading them in place (``views.thread.replies``).
The first page of a thread of 1,000 comments is then PER_PAGE comments, not
PER_PAGE comments and their replies, and it renders in about the same time as a
thread of 50.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import abort, current_app, render_template, request, url_for
from flask_babel import format_decimal, get_locale, get_translations, gettext as _
from flask_wtf.csrf import generate_csrf
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from core.toolkit import anonymous_page, cached_value, can, current_page, db, Decision, item_scope, ItemType, User

from . import shared_list
from .queries import vote_count
from .targets import target_type as get_commentable
from .targets import visible_to_reader
from .models import AGREE, DELETED, DISAGREE, HIDDEN, VISIBLE, Comment, Report, Vote

PER_PAGE = 20
#: Another comment of the same thread, for "has replies" tests. Built once: an alias is a fixed
#: query construct (like a table), and building it per request makes SQLAlchemy derive its
#: columns again each time (about a millisecond per thread page).
_REPLY = aliased(Comment, name="reply")
SORTS = ("newest", "oldest", "agreed")
DEFAULT_SORT = "newest"


@dataclass
class Entry:
    """A comment with everything its template needs, loaded in batches."""

    comment: Comment
    agree: int = 0
    disagree: int = 0
    my_vote: int = 0
    reported: bool = False
    open_reports: int = 0
    parent_name: str | None = None
    parent_deleted: bool = False
    replies: list["Entry"] = field(default_factory=list)
    reply_count: int = 0

    @property
    def more_replies(self) -> int:
        return max(self.reply_count - len(self.replies), 0)

    @property
    def deleted(self) -> bool:
        return self.comment.status == DELETED

    @property
    def hidden(self) -> bool:
        return self.comment.status == HIDDEN


def comment_words() -> dict[str, Markup]:
    """Fixed words of the comment macros, translated once per language (not once per comment or rendering)."""
    per_locale = current_app.extensions.setdefault("comments.words", {})
    locale = str(get_locale())
    words = per_locale.get(locale)
    if words is None:
        words = per_locale[locale] = {key: Markup(text) for key, text in {
            "agree": _("Agree"), "disagree": _("Disagree"), "withdraw": _("Press again to withdraw your vote."),
            "deleted_label": _("Deleted comment"), "deleted": _("This comment was deleted."),
            "in_reply_to": _("in reply to"), "a_deleted_comment": _("a deleted comment"),
            "hidden_by": _("Hidden by moderation:"), "only_moderators": _("Only moderators see the hidden text:"),
            "remark": _("Moderator remark"), "reply": _("Reply"), "edit": _("Edit"), "your_comment": _("your comment"),
            "delete": _("Delete"), "delete_confirm": _("Delete this comment for good? Replies stay visible."),
            "delete_button": _("Delete comment"), "reported": _("You reported this comment."), "report": _("Report"),
            "report_hint": _("this comment to the moderators"), "moderate": _("Moderate"),
        }.items()}
    return words


class Links:
    """The per-comment URLs of one rendering, built with one ``url_for`` per endpoint instead of per comment.

    ``url_for`` costs tens of microseconds; a page of a busy thread needs hundreds of comment links.
    Each endpoint's URL is built once with a placeholder id and then filled in, which gives exactly
    what ``url_for`` would (the id is a path segment, so it comes before any query string).
    """

    _PLACEHOLDER = "918273645"

    def __init__(self, back: str):
        self.back = back
        self._parts: dict[tuple[str, bool], tuple[str, str]] = {}

    def _url(self, endpoint: str, comment_id: int, with_next: bool = False) -> str:
        parts = self._parts.get((endpoint, with_next))
        if parts is None:
            values = {"next": self.back} if with_next else {}
            url = url_for(endpoint, comment_id=int(self._PLACEHOLDER), **values)
            head, tail = url.split(self._PLACEHOLDER, 1)
            parts = self._parts[(endpoint, with_next)] = (head, tail)
        return f"{parts[0]}{comment_id}{parts[1]}"

    def permalink(self, comment_id: int) -> str:
        return f"{self._url('comments.comment_page', comment_id)}#comment-{comment_id}"

    def single(self, comment_id: int) -> str:
        return self._url("comments.comment_page", comment_id)

    def replies(self, comment_id: int) -> str:
        return self._url("comments.replies", comment_id)

    def reply(self, comment_id: int) -> str:
        return self._url("comments.reply_form", comment_id, True)

    def edit(self, comment_id: int) -> str:
        return self._url("comments.edit", comment_id, True)

    def report(self, comment_id: int) -> str:
        return self._url("comments.report", comment_id, True)

    def moderate(self, comment_id: int) -> str:
        return self._url("comments.moderate", comment_id, True)

    def delete(self, comment_id: int) -> str:
        return self._url("comments.delete", comment_id)

    def vote(self, comment_id: int) -> str:
        return self._url("comments.vote", comment_id)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A phrase with a count, the count written in the reader's language (1.000 in German).

    flask_babel's ``ngettext`` would put in the bare number for ``%(num)s``; the name is the
    same so that ``make extract`` finds the phrases.
    """
    return get_translations().ngettext(singular, plural, n) % {"num": format_decimal(n)}


#: The counted phrases of a comment, by kind (see :meth:`Reader.counted`).
COUNTED: dict[str, Callable[[int], str]] = {
    "number": lambda n: format_decimal(n),
    "agree": lambda n: ngettext("%(num)s person agrees", "%(num)s people agree", n),
    "disagree": lambda n: ngettext("%(num)s person disagrees", "%(num)s people disagree", n),
    "replies": lambda n: ngettext("%(num)s reply", "%(num)s replies", n),
    "show_replies": lambda n: ngettext("Show %(num)s reply", "Show %(num)s replies", n),
    "more_replies": lambda n: ngettext("Show %(num)s more reply", "Show %(num)s more replies", n),
}


class Reader:
    """What the current reader may do with the comments of one thread, decided once per rendering.

    ``can("comment.rate", comment)`` and ``can("comment.edit", comment)`` for each of a hundred comments would
    run the policy (and every plugin's ``check_permission``) hundreds of times. The project-wide
    part (phase, login, visibility) is the same for every comment of a thread, so it is asked once;
    the per-comment rules of ``permissions.py`` (own comment, status) are applied here. The server
    still asks ``require()`` with the comment itself on every write.
    """

    project: Any
    back: str
    #: What the thread is about (the target object, or a comment of the thread): the owner
    #: plugin's policy hook may narrow participation to its own phase kinds (``api.phase_bound``).
    subject: Any = None
    #: Rendering once for every logged-in reader with the same rights: what depends on the
    #: reader (own comments, votes, reports, the CSRF token) becomes marks (:mod:`.shared_list`).
    shared: bool = False

    def init_reader(self) -> None:
        user = current_user
        self.user_id = user.id if getattr(user, "is_authenticated", False) else None
        self._rate = bool(can(user, "comment.rate", self.subject, project=self.project))
        # Editing and deleting follow comment.create in the thread (see permissions.check).
        self._own = bool(self.user_id is not None and can(user, "comment.create", self.subject, project=self.project))
        self._links: Links | None = None
        self._csrf: str | None = None
        self._counted: dict[tuple[str, int], str] = {}
        self._fragments: dict[int, Markup] | None = None

    def shown_comments(self) -> list[Comment]:
        """The comments this rendering shows (a whole thread overrides it); fragments are loaded for these at once."""
        return [self.subject] if isinstance(self.subject, Comment) else []

    def fragment(self, comment: Comment) -> Markup:
        """Other plugins' HTML for one comment (an official response): one hook call for all shown comments.

        Comments are the core's item type ``comment`` (:mod:`.items`); a comment rendered outside the
        shown ones (a reply loaded later) is asked for on its own.
        """
        if comment.status != VISIBLE:
            return Markup("")
        if self._fragments is None or comment.id not in self._fragments:
            batch = [c for c in self.shown_comments() if c.status == VISIBLE] if self._fragments is None else []
            batch = batch if any(c.id == comment.id for c in batch) else [*batch, comment]
            self._fragments = {**(self._fragments or {}), **dict.fromkeys((c.id for c in batch), Markup("")),
                               **item_fragments("comment", batch)}
        return self._fragments[comment.id]

    @property
    def links(self) -> Links:
        if self._links is None or self._links.back != self.back:  # ``back`` may be set after construction
            self._links = Links(self.back)
        return self._links

    @property
    def csrf(self) -> str:
        """The CSRF token of every form of this rendering (``csrf_token()`` per comment costs a session lookup each)."""
        if self.shared:
            return shared_list.hole("csrf", 0)
        if self._csrf is None:
            self._csrf = generate_csrf()
        return self._csrf

    def begin(self, kind: str, *numbers: int) -> Markup:
        """Where a part shown to some readers only starts, in a shared rendering (else nothing)."""
        return shared_list.begin(kind, *numbers) if self.shared else Markup("")

    def end(self, kind: str) -> Markup:
        return shared_list.end(kind) if self.shared else Markup("")

    def vote_bits(self, entry: "Entry") -> dict[str, str]:
        """The vote buttons' attributes that depend on the reader's own vote."""
        return shared_list.vote_bits(entry, self.shared)

    def counted(self, kind: str, n: int) -> str:
        """ "3 people agree" and the like, translated once per number and rendering (most counts repeat)."""
        text = self._counted.get((kind, n))
        if text is None:
            text = self._counted[(kind, n)] = COUNTED[kind](n)
        return text

    # In a shared rendering these answer "maybe" where only the reader's identity decides
    # (their own comment or not); the template then writes both variants between marks.

    def may_rate(self, comment: Comment) -> bool | str:
        if self.shared:
            return "maybe" if self._rate and comment.status == VISIBLE else False
        return self._rate and comment.status == VISIBLE and comment.author_id != self.user_id

    def may_edit(self, comment: Comment) -> bool | str:
        if self.shared:
            return "maybe" if self._own and comment.status == VISIBLE else False
        return self._own and comment.status == VISIBLE and comment.author_id == self.user_id

    def may_report(self, comment: Comment) -> bool | str:
        """Whether the "Report" link (or "You reported this comment") is shown."""
        if self.shared:
            return "maybe" if comment.status != HIDDEN else False
        return self.user_id is not None and comment.author_id != self.user_id and comment.status != HIDDEN

    @property
    def dom_id(self) -> str:
        return dom_id_of(self.target_type, self.target_id)


def dom_id_of(target_type: str, target_id: int) -> str:
    """The id of a thread's widget in the page; its parts add suffixes (``-body``, ``-count``, ``-form``)."""
    return f"comments-{target_type}-{target_id}"


@dataclass
class ThreadView(Reader):
    target_type: str
    target_id: int
    project: Any
    target: Any
    commentable: ItemType
    entries: list[Entry]
    total: int
    sort: str
    page: int
    has_more: bool
    create: Decision
    is_moderator: bool
    heading_level: int = 2
    focus_id: int | None = None
    form: Any = None
    back: str = ""
    sorts: tuple[str, ...] = SORTS
    focus_sort: bool = False
    shared: bool = False
    #: With ``shared``: loads (entries, has_more) when the shared rendering is not in the cache.
    loader: Callable[[], tuple[list[Entry], bool]] | None = None
    after_id: int | None = None

    def __post_init__(self) -> None:
        self.subject = self.target
        self.init_reader()

    def shown_comments(self) -> list[Comment]:
        return [c for entry in self.entries for c in (entry.comment, *(reply.comment for reply in entry.replies))]

    @property
    def has_entries(self) -> bool:
        """Whether the page lists comments (a shared rendering may not have loaded them: none deleted counts)."""
        return self.total > 0 if self.loader is not None else bool(self.entries)

    def shared_list(self) -> Markup:
        """The comment list from the rendering shared by readers with the same rights, filled in for this one."""

        def render() -> str:
            self.entries, self.has_more = self.loader()
            return render_template("comments/_page.html", thread=self)

        return shared_list.shared_list_html(self, render)


def item_fragments(item_type: str, items: list[Any]) -> dict[int, Markup]:
    """Every plugin's ``item_fragments`` for ``items``, merged per item (as the core's template helper does)."""
    merged: dict[int, Markup] = {}
    if not items:
        return merged
    pm = current_app.extensions["mitsprache"].pm
    for result in reversed(pm.hook.item_fragments(item_type=item_type, items=items, user=current_user)):
        for key, html in (result or {}).items():
            merged[key] = merged.get(key, Markup("")) + Markup(html)
    return merged


def resolve_target(target_type: str, target_id: int) -> tuple[ItemType, Any]:
    """The commentable and the target object, or 404 (unknown type, missing id, invisible project or target).

    A target its owner hides from the reader (an idea hidden by moderation) hides its discussion
    too; moderators still reach it.
    """
    commentable = get_commentable(target_type)
    if commentable is None:
        abort(404)
    target = commentable.load([target_id]).get(target_id)
    if target is None or getattr(target, "project", None) is None:
        abort(404)
    if not can(current_user, "project.view", target.project):
        abort(404)
    if not visible_to_reader(commentable, target) and not is_moderator(target.project):
        abort(404)
    return commentable, target


def _order(sort: str):
    if sort == "oldest":
        return (Comment.created_at.asc(), Comment.id.asc())
    if sort == "agreed":
        return (vote_count(AGREE).desc(), Comment.created_at.desc(), Comment.id.desc())
    return (Comment.created_at.desc(), Comment.id.desc())


def _after(sort: str, anchor: Comment):
    """Rows that come after ``anchor`` in ``sort`` order, by the values that order compares (keyset)."""
    at, ident = anchor.created_at, anchor.id
    if sort == "oldest":
        return or_(Comment.created_at > at, and_(Comment.created_at == at, Comment.id > ident))
    newer = or_(Comment.created_at < at, and_(Comment.created_at == at, Comment.id < ident))
    if sort == "agreed":
        # The anchor's agreements as they are now: whatever ranks above it now is not shown again.
        agreed = db.session.scalar(select(func.count(Vote.id)).where(Vote.comment_id == ident, Vote.value == AGREE))
        votes = vote_count(AGREE)
        return or_(votes < agreed, and_(votes == agreed, newer))
    return newer


def load_top_level(target_type: str, target_id: int, sort: str, page: int,
                   after: Comment | None = None) -> tuple[list[Entry], bool]:
    """One page of top-level comments: by page number, or (``after``) the page following that comment.

    "Show more" asks with ``after``, the last comment on screen: with page numbers (an offset), a
    comment posted meanwhile would push the last one of the page on screen onto the next one and
    show it twice, in exactly the busy threads where people keep posting.
    """
    reply = _REPLY
    query = (
        select(Comment)
        .options(joinedload(Comment.author))
        .where(
            Comment.target_type == target_type,
            Comment.target_id == target_id,
            Comment.parent_id.is_(None),
            # A deleted comment nobody replied to leaves no trace.
            or_(Comment.status != DELETED, exists().where(reply.root_id == Comment.id)),
        )
        .order_by(*_order(sort))
        .limit(PER_PAGE + 1)
    )
    if after is not None:
        query = query.where(_after(sort, after))
    else:
        query = query.offset((page - 1) * PER_PAGE)
    rows = db.session.scalars(query).all()
    return [Entry(comment) for comment in rows[:PER_PAGE]], len(rows) > PER_PAGE


#: The statements below are built once, with the ids bound per call: building and keying them (a window
#: function, aliases, joined loads) cost more than running them, on every thread page and every reply.
_REPLY_COUNTS = (
    select(Comment.root_id, func.count(Comment.id))
    .where(Comment.root_id.in_(bindparam("roots", expanding=True)))
    .group_by(Comment.root_id)
)


def count_replies(roots: list[Entry]) -> None:
    """How many replies each of ``roots`` has (deleted ones kept as placeholders included): one query."""
    by_id = {entry.comment.id: entry for entry in roots}
    if not by_id:
        return
    for root_id, n in db.session.execute(_REPLY_COUNTS, {"roots": list(by_id)}):
        by_id[root_id].reply_count = n


def _replies_statement(limited: bool):
    """Replies of the bound ``roots`` after position ``skip`` (and up to ``upto`` when ``limited``), numbered
    per root, with their total, their parent's status and their parent's author's name."""
    position = func.row_number().over(partition_by=Comment.root_id, order_by=Comment.id).label("position")
    total = func.count(Comment.id).over(partition_by=Comment.root_id).label("total")
    numbered = select(Comment.id.label("id"), position, total).where(
        Comment.root_id.in_(bindparam("roots", expanding=True))).subquery()
    parent = aliased(Comment)
    parent_author = aliased(User)
    query = (
        select(Comment, numbered.c.total, parent.status, parent_author.display_name)
        .join(numbered, numbered.c.id == Comment.id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .outerjoin(parent_author, parent_author.id == parent.author_id)
        .options(joinedload(Comment.author))
        .where(numbered.c.position > bindparam("skip"))
        .order_by(Comment.root_id, Comment.id)
    )
    return query.where(numbered.c.position <= bindparam("upto")) if limited else query


_REPLIES = _replies_statement(limited=False)
_REPLIES_LIMITED = _replies_statement(limited=True)


def attach_replies(roots: list[Entry], *, skip: int = 0, limit: int | None = None) -> list[Entry]:
    """Load replies of all ``roots`` in one query: the first ``limit`` after ``skip`` per root, oldest first."""
    by_id = {entry.comment.id: entry for entry in roots}
    if not by_id:
        return []
    params = {"roots": list(by_id), "skip": skip}
    if limit is not None:
        params["upto"] = skip + limit
    query = _REPLIES if limit is None else _REPLIES_LIMITED
    loaded = []
    for comment, count, parent_status, parent_name in db.session.execute(query, params):
        root = by_id[comment.root_id]
        entry = Entry(comment)
        if comment.parent_id != comment.root_id:
            entry.parent_deleted = parent_status == DELETED
            entry.parent_name = parent_name
        root.replies.append(entry)
        root.reply_count = count
        loaded.append(entry)
    return loaded


_VOTE_COUNTS = (
    select(Vote.comment_id, Vote.value, func.count(Vote.id))
    .where(Vote.comment_id.in_(bindparam("ids", expanding=True)))
    .group_by(Vote.comment_id, Vote.value)
)
_MY_VOTES = select(Vote.comment_id, Vote.value).where(
    Vote.comment_id.in_(bindparam("ids", expanding=True)), Vote.user_id == bindparam("user"))
_MY_REPORTS = select(Report.comment_id).where(
    Report.comment_id.in_(bindparam("ids", expanding=True)), Report.user_id == bindparam("user"))
_OPEN_REPORTS = (
    select(Report.comment_id, func.count(Report.id))
    .where(Report.comment_id.in_(bindparam("ids", expanding=True)), Report.resolved_at.is_(None))
    .group_by(Report.comment_id)
)


def decorate(entries: list[Entry], *, is_moderator: bool = False, readers_own: bool = True) -> None:
    """Vote counts, the reader's votes and reports (``readers_own``), open reports for moderators: one query each."""
    by_id = {entry.comment.id: entry for entry in entries}
    if not by_id:
        return
    ids = list(by_id)
    for comment_id, value, n in db.session.execute(_VOTE_COUNTS, {"ids": ids}):
        if value == AGREE:
            by_id[comment_id].agree = n
        elif value == DISAGREE:
            by_id[comment_id].disagree = n
    if readers_own and current_user.is_authenticated:
        mine = {"ids": ids, "user": current_user.id}
        for comment_id, value in db.session.execute(_MY_VOTES, mine):
            by_id[comment_id].my_vote = value
        for comment_id in db.session.scalars(_MY_REPORTS, mine):
            by_id[comment_id].reported = True
    if is_moderator:
        for comment_id, n in db.session.execute(_OPEN_REPORTS, {"ids": ids}):
            by_id[comment_id].open_reports = n


#: Built once: asked by every page and answer of a thread.
_COUNT = select(func.count(Comment.id)).where(
    Comment.target_type == bindparam("type"), Comment.target_id == bindparam("target"), Comment.status != DELETED)


def count_comments(target_type: str, target_id: int) -> int:
    return db.session.scalar(_COUNT, {"type": target_type, "target": target_id}) or 0


def cached_count(target_type: str, target_id: int, project_id: int) -> int:
    """:func:`count_comments`, kept with the version of the target's scope (which every comment on it moves):
    read with the page's versions, the count of a busy thread costs no query."""
    return cached_value(("comments.count", target_type, int(target_id)), lambda: count_comments(target_type, target_id),
                        scopes=[item_scope(target_type, target_id, project_id)])


def is_moderator(project) -> bool:
    return bool(can(current_user, "comment.moderate", project=project))


def build_thread(target_type, target_id, project, *, sort=None, page=1, heading_level=2, focus_id=None,
                 form=None, target=None, after: Comment | None = None, shared: bool = False) -> ThreadView:
    """Everything ``_thread.html`` needs for one page of a thread.

    ``shared``: a logged-in reader who is not a moderator gets the comment list from the
    rendering shared with every reader of the same rights (:mod:`.shared_list`); the comments
    are then loaded only when that rendering is not in the cache.
    """
    commentable = get_commentable(target_type)
    if commentable is None:
        raise LookupError(f"no commentable type {target_type!r} is registered")
    if target is None:
        target = commentable.load([target_id]).get(target_id)
    sort = sort if sort in SORTS else DEFAULT_SORT
    page = max(int(page or 1), 1)
    moderator = is_moderator(project)
    shared = shared and not moderator and getattr(current_user, "is_authenticated", False) and focus_id is None

    def load() -> tuple[list[Entry], bool]:
        entries, has_more = load_top_level(target_type, target_id, sort, page, after)
        count_replies(entries)
        decorate(entries, is_moderator=moderator, readers_own=not shared)
        return entries, has_more

    entries, has_more = ([], False) if shared else load()
    create = can(current_user, "comment.create", target, project=project)
    if form is None and create:
        from .forms import CommentForm

        form = CommentForm(formdata=None)
    return ThreadView(
        target_type=target_type, target_id=target_id, project=project, target=target, commentable=commentable,
        entries=entries, total=cached_count(target_type, target_id, project.id), sort=sort, page=page, has_more=has_more,
        create=create, is_moderator=moderator, heading_level=heading_level, focus_id=focus_id, form=form,
        back=current_page(), shared=shared, loader=load if shared else None, after_id=after.id if after else None,
    )


def single_entry(comment: Comment, *, is_moderator: bool = False) -> Entry:
    """One comment for re-rendering after an edit, vote or moderation action."""
    entry = Entry(comment)
    if comment.parent_id and comment.parent_id != comment.root_id:
        row = db.session.execute(
            select(Comment.status, User.display_name).join(User, User.id == Comment.author_id)
            .where(Comment.id == comment.parent_id)
        ).first()
        if row:
            entry.parent_deleted = row[0] == DELETED
            entry.parent_name = row[1]
    decorate([entry], is_moderator=is_moderator)
    return entry


def root_with_replies(root: Comment, *, is_moderator: bool = False, skip: int = 0) -> Entry:
    """A top-level comment with all its replies (after ``skip``), for the permalink page and "show more"."""
    entry = Entry(root)
    replies = attach_replies([entry], skip=skip, limit=None)
    decorate([entry, *replies], is_moderator=is_moderator)
    if skip:
        entry.reply_count = len(replies)
    return entry





def cached_for_anonymous(key: tuple, target: Any, project: Any, render: Callable[[], str], *,
                         scope: str, whole_response: bool = True) -> str:
    """``render()``, served from ``core.cache`` for anonymous readers (whole pages and fragments).

    What an anonymous reader sees of a thread depends only on the data (``scope``,
    the target's cache scope: its comments, votes and the target itself), the
    language, the URL and the headers that pick the template (both part of ``key``), the page the widget sits in (``current_page()``, for the log-in
    link) and the phase: the participation notice says "log in" while a phase is open and
    "Participation ended on …" after it; that decision is part of the key, as it changes
    with the clock, not with the data. Logged-in readers see their own votes and buttons
    and a CSRF token, so they always get a fresh rendering. ``whole_response``: the HTML
    is the response (an ETag fits it), not a widget inside another page.
    """
    if getattr(current_user, "is_authenticated", False):
        return render()
    create = can(current_user, "comment.create", target, project=project)
    full_key = (*key, bool(create), create.code, str(create.reason), current_page())
    return anonymous_page(full_key, project, render, scopes=[scope], whole_response=whole_response)
