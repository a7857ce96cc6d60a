"""One rendering of a thread's comment list for every logged-in reader with the same rights.

A logged-in reader's page of a thread differs from another's in a few places
only: which vote button is pressed, whether "Edit" and "Delete" appear (their
own comments), whether a comment says "You reported this comment", and the
CSRF token in each form. Everything else (the comments, their counts, replies
links, official responses) is the same for everyone with the same rights in the
project. Rendering twenty comments through the macros is most of the page's
cost, so the list is rendered once per version of the thread and per kind of
reader, with marks where those few things go, and filled in per request from
two small queries (the reader's votes and reports in this thread).

The marks start with a NUL character, which no stored text can contain (the
core refuses NUL in every request, ``core/input_checks.py``), so a comment
cannot forge one::

    \\x00?own:AUTHOR\\x00 … \\x00/own\\x00      shown only to the comment's author
    \\x00?other:AUTHOR\\x00 … \\x00/other\\x00  shown to everyone else
    \\x00?repd:COMMENT:AUTHOR\\x00 …           "You reported this comment" (not to the author)
    \\x00?repl:COMMENT:AUTHOR\\x00 …           the "Report" link (not to the author)
    \\x00?voted:COMMENT\\x00 …                 the reader has voted on the comment
    \\x00av:COMMENT\\x00, \\x00ac:…, ap, ai     the agree button's value, class, aria-pressed, icon
    \\x00dv:COMMENT\\x00, dc, dp, di            the same for disagree
    \\x00csrf:0\\x00                           the reader's CSRF token

Moderators see hidden text and open reports (which change without a new
version of the thread), so their pages are always rendered for them alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import bindparam, literal, select, union_all

from core.toolkit import db

from .models import AGREE, DISAGREE, Comment, Report, Vote

MARK = "\x00"


def begin(kind: str, *numbers: int) -> Markup:
    return Markup(f"{MARK}?{kind}:{':'.join(str(int(n)) for n in numbers)}{MARK}")


def end(kind: str) -> Markup:
    return Markup(f"{MARK}/{kind}{MARK}")


def hole(kind: str, comment_id: int) -> Markup:
    return Markup(f"{MARK}{kind}:{int(comment_id)}{MARK}")


@dataclass
class ReaderState:
    """What one logged-in reader's copy of the list needs: who they are, their votes and reports."""

    user_id: int
    csrf: str
    votes: dict[int, int] = field(default_factory=dict)
    reported: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, target_type: str, target_id: int) -> "ReaderState":
        """The current reader's votes and reports on comments of one thread, in one query."""
        state = cls(user_id=current_user.id, csrf=generate_csrf())
        rows = db.session.execute(_READER_STATE, {"user": state.user_id, "type": target_type, "target": target_id})
        for comment_id, value in rows:
            if value == _REPORTED:
                state.reported.add(comment_id)
            else:
                state.votes[comment_id] = value
        return state


#: A report's row in :data:`_READER_STATE` (votes are +1 or -1).
_REPORTED = 0


def _reader_state_statement():
    """The reader's votes (comment, +1/-1) and reports (comment, 0) in one thread.

    Built once: a statement with bound parameters is a fixed construct, shared by all threads,
    and building it per request cost more than running it.
    """
    in_thread = select(Comment.id).where(Comment.target_type == bindparam("type"),
                                         Comment.target_id == bindparam("target"))
    votes = select(Vote.comment_id, Vote.value).where(Vote.user_id == bindparam("user"),
                                                       Vote.comment_id.in_(in_thread))
    reports = select(Report.comment_id, literal(_REPORTED)).where(Report.user_id == bindparam("user"),
                                                                   Report.comment_id.in_(in_thread))
    return union_all(votes, reports)


_READER_STATE = _reader_state_statement()


def _shows(kind: str, numbers: list[int], state: ReaderState) -> bool:
    if kind == "own":
        return numbers[0] == state.user_id
    if kind == "other":
        return numbers[0] != state.user_id
    if kind == "repd":
        return numbers[1] != state.user_id and numbers[0] in state.reported
    if kind == "repl":
        return numbers[1] != state.user_id and numbers[0] not in state.reported
    if kind == "voted":
        return bool(state.votes.get(numbers[0]))
    raise ValueError(f"unknown block {kind!r}")


#: The vote buttons' per-reader attributes: (value when this button's vote is the reader's, otherwise).
_VOTE_BITS = {
    "av": ("unagree", "agree"), "ac": (" is-active", ""), "ap": ("true", "false"), "ai": ("✓", "+"),
    "dv": ("undisagree", "disagree"), "dc": (" is-active", ""), "dp": ("true", "false"), "di": ("✓", "−"),
}


def _vote_bit(kind: str, vote: int) -> str:
    """One of :data:`_VOTE_BITS` for a reader whose vote is ``vote`` (+1, -1 or 0)."""
    mine, other = _VOTE_BITS[kind]
    return mine if vote == (AGREE if kind[0] == "a" else DISAGREE) else other


def _value(kind: str, number: int, state: ReaderState) -> str:
    if kind == "csrf":
        return state.csrf
    return _vote_bit(kind, state.votes.get(number, 0))


def fill(html: str, state: ReaderState) -> Markup:
    """The shared rendering as ``state``'s reader sees it. Blocks may hold blocks of other kinds."""
    out: list[str] = []
    _emit(_parse(html), state, out)
    return Markup("".join(out))


def _emit(items: tuple, state: ReaderState, out: list[str]) -> None:
    for item in items:
        if type(item) is str:
            out.append(item)
        elif len(item) == 2:  # a hole: (kind, comment)
            out.append(_value(item[0], item[1], state))
        elif _shows(item[0], item[1], state):  # a block: (kind, numbers, what it holds)
            _emit(item[2], state, out)


@lru_cache(maxsize=16)
def _parse(html: str) -> tuple:
    """A shared rendering split at its marks once per process: text, holes ``(kind, id)`` and blocks
    ``(kind, numbers, items)``. Filling it is then a walk over a few hundred items per request, where
    searching the whole HTML for marks with regular expressions was a fifth of a logged-in thread page.
    (``lru_cache`` is thread-safe; the parsed tuples are never changed.)
    """
    pieces = html.split(MARK)
    if len(pieces) % 2 == 0:
        raise ValueError("unpaired mark in a shared comment list")  # never let a mark reach a browser
    # Open blocks, innermost last: (kind, numbers, items so far); the first is the whole list.
    stack: list[tuple[str, tuple[int, ...], list]] = [("", (), [])]
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            if piece:
                stack[-1][2].append(piece)
        elif piece.startswith("?"):
            kind, _, numbers = piece[1:].partition(":")
            stack.append((kind, tuple(int(n) for n in numbers.split(":")), []))
        elif piece.startswith("/"):
            if len(stack) == 1 or stack[-1][0] != piece[1:]:
                raise ValueError(f"unbalanced block {piece!r} in a shared comment list")
            kind, numbers, items = stack.pop()
            stack[-1][2].append((kind, numbers, tuple(items)))
        else:
            kind, _, number = piece.partition(":")
            if kind != "csrf" and kind not in _VOTE_BITS:
                raise ValueError(f"unknown hole {kind!r} in a shared comment list")
            stack[-1][2].append((kind, int(number)))
    if len(stack) != 1:
        raise ValueError("unclosed block in a shared comment list")
    return tuple(stack[0][2])


def vote_bits(entry, shared: bool) -> dict[str, str]:
    """The vote buttons' reader-dependent attributes: computed, or marks for :func:`fill`."""
    cid = entry.comment.id
    if shared:
        bits = {key: hole(key, cid) for key in _VOTE_BITS}
        bits["voted"], bits["end_voted"] = begin("voted", cid), end("voted")
        return bits
    bits = {key: _vote_bit(key, entry.my_vote) for key in _VOTE_BITS}
    bits["voted"] = bits["end_voted"] = Markup("")
    return bits


def shared_list_html(thread, render) -> Markup:
    """The comment list of ``thread`` for the current reader, from the shared rendering."""
    from core.toolkit import cached_fragment, item_scope, reader_key

    project = thread.project
    decision = thread.create
    key = ("comments.list", thread.target_type, thread.target_id, thread.sort, thread.page, thread.after_id,
           reader_key(project), bool(decision), decision.code, str(decision.reason), thread._rate, thread._own,
           thread.back)
    html = cached_fragment(key, project, render, scopes=[item_scope(thread.target_type, thread.target_id, project.id)],
                           holes=True)
    return fill(str(html), ReaderState.load(thread.target_type, thread.target_id))
