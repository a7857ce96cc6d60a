"""A search box's text as a full-text query, the same on both engines and never engine syntax.

::

    parsed = parse("Obstbäume im Park")      # Query(stems=(('obstbaum',), ('park',)))
    parsed.fts5()        # '("obstbaum"*) AND ("park"*)'
    parsed.tsquery()     # "('obstbaum':*) & ('park':*)"

Every word must be found (as a word or the start of one), in any of its stems
(German, English). Words are runs of letters and digits (:mod:`.stemming`),
so quotes, ``*``, ``-``, ``NEAR``, ``OR`` or parentheses typed into the box are
separators or plain words and each stem is quoted: nothing reaches the engine
as an operator. Common words ("der", "the") are left out unless the query has
nothing else. Too long, too many words or no word at all is a
:class:`QueryError` with a message people can read.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .stemming import terms

MAX_LENGTH = 200
MAX_WORDS = 12
#: Stems shorter than this are matched whole, not as a prefix ("a*" would match half the index).
MIN_PREFIX = 3
STOP_WORDS = frozenset(
    "der die das den dem des ein eine einen einem einer eines und oder im in am an auf zu zum zur mit von "
    "fur ist sind the a an and or of in on to for with is are".split()
)


class QueryError(ValueError):
    """A query that cannot be searched; ``str(error)`` says why, in the reader's language."""


@dataclass(frozen=True)
class Query:
    stems: tuple[tuple[str, ...], ...]

    def fts5(self) -> str:
        return " AND ".join("(" + " OR ".join(_fts5_term(s) for s in group) + ")" for group in self.stems)

    def tsquery(self) -> str:
        return " & ".join("(" + " | ".join(_ts_term(s) for s in group) + ")" for group in self.stems)

    def matches(self, stems: tuple[str, ...]) -> bool:
        """Whether a word with these stems is one the query looks for (to highlight it)."""
        return any(_term_matches(query_stem, stem) for group in self.stems for query_stem in group for stem in stems)


def _term_matches(query_stem: str, stem: str) -> bool:
    return stem == query_stem or (len(query_stem) >= MIN_PREFIX and stem.startswith(query_stem))


def _fts5_term(stem: str) -> str:
    # Stems are letters and digits only; the quotes make FTS5 read even "near" or "or" as a word.
    return f'"{stem}"*' if len(stem) >= MIN_PREFIX else f'"{stem}"'


def _ts_term(stem: str) -> str:
    return f"'{stem}':*" if len(stem) >= MIN_PREFIX else f"'{stem}'"


def parse(text: str) -> Query:
    """The query for ``text``, or :class:`QueryError`."""
    text = (text or "").strip()
    if not text:
        raise QueryError(_("Please enter a search term."))
    if len(text) > MAX_LENGTH:
        raise QueryError(_("Please use at most %(count)d characters.", count=MAX_LENGTH))
    groups = list(dict.fromkeys(terms(text)))
    if not groups:
        raise QueryError(_("Please search for at least one word of letters or digits."))
    meaningful = [group for group in groups if group[0] not in STOP_WORDS]
    groups = meaningful or groups
    if len(groups) > MAX_WORDS:
        raise QueryError(_("Please search for at most %(count)d words.", count=MAX_WORDS))
    return Query(tuple(groups))
