"""German stemming for the SQLite full-text index (PostgreSQL stems with its own ``german`` configuration).

The Snowball German stemmer (snowballstem.org/algorithms/german/stemmer.html),
written out here because SQLite's FTS5 has no German stemmer and the plugin
needs no extra dependency for forty lines::

    >>> [stem(w) for w in ("Pflege", "Pflegeheime", "Digitalisierung", "Kommunen")]
    ['pfleg', 'pflegeheim', 'digitalisier', 'kommun']

Documents and queries go through :func:`words` alike, so "Kommune" finds
"Kommunen" and "älteren" finds "ältere".
"""
from __future__ import annotations

import re

VOWELS = frozenset("aeiouyäöü")
S_ENDING = frozenset("bdfghklmnrt")
ST_ENDING = S_ENDING - {"r"}
WORD = re.compile(r"\w+", re.UNICODE)


def _region(word: str, start: int) -> int:
    """Snowball's R1 (start 0) or R2 (start R1): after the first non-vowel that follows a vowel."""
    for i in range(start + 1, len(word)):
        if word[i] not in VOWELS and word[i - 1] in VOWELS:
            return i + 1
    return len(word)


def _longest(word: str, suffixes) -> str:
    return next((s for s in sorted(suffixes, key=len, reverse=True) if word.endswith(s)), "")


def stem(word: str) -> str:
    """The Snowball German stem of one word (lower case, umlauts folded)."""
    word = word.lower().replace("ß", "ss")
    chars = list(word)
    for i in range(1, len(chars) - 1):
        if chars[i] in "uy" and chars[i - 1] in VOWELS and chars[i + 1] in VOWELS:
            chars[i] = chars[i].upper()  # u and y between vowels count as consonants
    word = "".join(chars)
    p1 = _region(word, 0)
    p2 = _region(word, p1)
    p1 = max(p1, 3)

    # Step 1
    suffix = _longest(word, ("em", "ern", "er", "e", "en", "es", "s"))
    if suffix and len(word) - len(suffix) >= p1:
        if suffix in ("em", "ern", "er"):
            word = word[: -len(suffix)]
        elif suffix in ("e", "en", "es"):
            word = word[: -len(suffix)]
            if word.endswith("niss"):
                word = word[:-1]
        elif len(word) >= 2 and word[-2] in S_ENDING:
            word = word[:-1]
    # Step 2
    suffix = _longest(word, ("en", "er", "est", "st"))
    if suffix and len(word) - len(suffix) >= p1:
        if suffix != "st":
            word = word[: -len(suffix)]
        elif len(word) >= 6 and word[-3] in ST_ENDING:
            word = word[:-2]
    # Step 3: derivational suffixes
    suffix = _longest(word, ("end", "ung", "ig", "ik", "isch", "lich", "heit", "keit"))
    if suffix and len(word) - len(suffix) >= p2:
        if suffix in ("end", "ung"):
            word = word[: -len(suffix)]
            if word.endswith("ig") and not word.endswith("eig") and len(word) - 2 >= p2:
                word = word[:-2]
        elif suffix in ("ig", "ik", "isch"):
            if not word[: -len(suffix)].endswith("e"):
                word = word[: -len(suffix)]
        elif suffix in ("lich", "heit"):
            word = word[: -len(suffix)]
            if (word.endswith("er") or word.endswith("en")) and len(word) - 2 >= p1:
                word = word[:-2]
        else:  # keit
            word = word[:-4]
            inner = _longest(word, ("lich", "ig"))
            if inner and len(word) - len(inner) >= p2:
                word = word[: -len(inner)]
    return word.replace("U", "u").replace("Y", "y").replace("ä", "a").replace("ö", "o").replace("ü", "u")


def words(text: str) -> list[str]:
    """The stems of every word in ``text``, in order."""
    return [stem(w) for w in WORD.findall(text or "") if not w.isdigit() or len(w) < 12]
