"""Words to index terms: Snowball stemming in German and English, umlauts folded.

Documents carry no language (a German consultation quotes English titles, an
English one German place names), so every word is indexed under its German
*and* its English stem, and a word searched for matches either::

    >>> terms("Obstbäume und trees")
    [('obstbaum',), ('und',), ('trees', 'tree')]
    >>> german_words("Pflegeheime der Kommunen")
    ['pflegeheim', 'der', 'kommun']

The Snowball German stemmer folds umlauts ("Bäume" and "Baum" both become
``baum``, "Flüsse" and "Fluesse" ``fluss``); the English one makes "trees"
``tree``. Words are runs of letters and digits; everything else (quotes, ``*``,
``-``, parentheses) separates words, so nothing a person types reaches a
full-text engine as syntax.

Snowball's stemmer objects keep the word they work on between calls, so each
call here makes its own: nothing is shared between threads. ``snowballstemmer``
hands out PyStemmer's C stemmers (the same algorithms, a dependency) instead of
its pure-Python ones: indexing a comment as it is posted then costs about 0.04
instead of 0.9 ms.
"""
from __future__ import annotations

import re
import unicodedata

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Longer digit runs (phone numbers, ids) are not words anyone searches a consultation for.
MAX_DIGITS = 12


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, in order (``ß`` as ``ss``, as Snowball does)."""
    found = (w.casefold() for w in WORD.findall(text or ""))
    return [w for w in found if not (w.isdigit() and len(w) > MAX_DIGITS)]


def fold(stem: str) -> str:
    """``stem`` without accents ("obstbäum" from the English stemmer becomes "obstbaum", "café" "cafe")."""
    if stem.isascii():
        return stem
    decomposed = unicodedata.normalize("NFKD", stem)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Stems:
    """A German and an English Snowball stemmer for one caller (they are not safe to share between threads)."""

    def __init__(self) -> None:
        self.german = snowballstemmer.stemmer("german")
        self.english = snowballstemmer.stemmer("english")

    def of(self, word: str) -> tuple[str, ...]:
        """A lower-case word's German stem, then its English stem if that differs."""
        de, en = fold(self.german.stemWord(word)), fold(self.english.stemWord(word))
        return (de,) if de == en else (de, en)


def terms(text: str) -> list[tuple[str, ...]]:
    """For each word of ``text``, its German stem, then its English stem if that differs."""
    stems = Stems()
    return [stems.of(word) for word in words(text)]


def index_text(text: str) -> str:
    """``text`` as the engine stores it: every stem of every word, separated by spaces."""
    return " ".join(stem for stems in terms(text) for stem in stems)


def stem(word: str) -> str:
    """The Snowball German stem of one word (lower case, umlauts folded)."""
    return fold(snowballstemmer.stemmer("german").stemWord((word or "").casefold()))


def german_words(text: str) -> list[str]:
    """The German stems of every word in ``text``, in order (for German-only indexes)."""
    german = snowballstemmer.stemmer("german")
    return [fold(german.stemWord(word)) for word in words(text)]
