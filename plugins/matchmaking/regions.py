"""Regions as German municipal keys (Amtlicher Gemeindeschlüssel, AGS), and how they fit together.

An AGS is read from the left: 2 digits for the Land, 1 for the Regierungsbezirk,
2 for the Kreis and 3 for the Gemeinde, so every prefix names the area that
contains the longer keys::

    >>> contains("03", "03241001")          # Hannover lies in Niedersachsen
    True
    >>> fit_level("03241001", "03241")      # same Kreis
    'kreis'
    >>> region_label("03")
    'Niedersachsen'

A region is stored as its digits (2, 3, 5 or 8 of them) or as :data:`NATIONWIDE`
("bundesweit"). The 16 Länder are named choices; a few more names are known so
that the demo and common imports read well; any other valid key is shown as
itself.
"""
from __future__ import annotations

import re

from core.toolkit import _l

#: "bundesweit": the whole of Germany; contains every other region.
NATIONWIDE = "DE"

LAENDER: dict[str, str] = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}

#: Kreise and Gemeinden with names, beyond the Länder (others are shown by their key).
KNOWN: dict[str, str] = {
    "02000000": "Hamburg",
    "03101000": "Braunschweig",
    "03159": "Landkreis Göttingen",
    "03159016": "Göttingen",
    "03241": "Region Hannover",
    "03241001": "Hannover",
    "03254": "Landkreis Hildesheim",
    "03254021": "Hildesheim",
    "03351": "Landkreis Celle",
    "03352": "Landkreis Cuxhaven",
    "03355": "Landkreis Lüneburg",
    "03355022": "Lüneburg",
    "03403000": "Oldenburg (Oldb)",
    "03404000": "Osnabrück",
    "03451": "Landkreis Ammerland",
    "03451007": "Rastede",
    "03351006": "Celle",
    "03459": "Landkreis Osnabrück",
    "03460": "Landkreis Vechta",
    "04011000": "Bremen",
    "05315000": "Köln",
    "06412000": "Frankfurt am Main",
    "08111000": "Stuttgart",
    "09162000": "München",
    "11000000": "Berlin",
    "14612000": "Dresden",
}

LEVELS = {2: "land", 3: "bezirk", 5: "kreis", 8: "gemeinde"}
_AGS = re.compile(r"^(?:\d{2}|\d{3}|\d{5}|\d{8})$")
_NATIONWIDE_WORDS = {"de", "bundesweit", "deutschland", "germany", "nationwide", "0", "00"}


def normalise(text: str | None) -> str | None:
    """A region as stored: its AGS digits, :data:`NATIONWIDE`, or None when unreadable.

    Accepts the key with spaces, a Land's name ("Niedersachsen") and the words
    for "bundesweit"; an empty text means nationwide.
    """
    value = (text or "").strip()
    if not value or value.casefold() in _NATIONWIDE_WORDS:
        return NATIONWIDE
    digits = value.replace(" ", "")
    if _AGS.match(digits):
        if digits[:2] not in LAENDER:
            return None
        return digits
    folded = value.casefold()
    for code, name in {**LAENDER, **KNOWN}.items():
        if name.casefold() == folded:
            return code
    return None


def is_valid(code: str | None) -> bool:
    return code is not None and normalise(code) == code


def land_of(code: str) -> str | None:
    """The Land's two digits, or None for nationwide."""
    return None if code == NATIONWIDE else code[:2]


def contains(outer: str, inner: str) -> bool:
    """Whether region ``inner`` lies within ``outer`` (nationwide contains everything)."""
    if outer == NATIONWIDE:
        return True
    if inner == NATIONWIDE:
        return False
    return inner.startswith(outer)


def fit_level(a: str, b: str) -> str:
    """How closely two regions fit: "same", "gemeinde", "kreis", "bezirk", "land", "nationwide" or "none".

    One inside the other, or sharing a prefix, fits at the level of the longest
    common prefix; a nationwide region fits everything at "nationwide".
    """
    if a == b:
        return "same"
    if NATIONWIDE in (a, b):
        return "nationwide"
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    for length in (8, 5, 3, 2):
        if common >= length:
            return LEVELS[length]
    return "none"


def region_label(code: str | None) -> str:
    """A name people read: "Niedersachsen", "Hannover (03241001)", "bundesweit"."""
    if not code or code == NATIONWIDE:
        return str(_l("nationwide"))
    if code in LAENDER:
        return LAENDER[code]
    if code in KNOWN:
        return KNOWN[code]
    land = LAENDER.get(code[:2], "")
    return f"{code} ({land})" if land else code


def land_choices() -> list[tuple[str, str]]:
    """The 16 Länder as form choices, nationwide first."""
    return [(NATIONWIDE, str(_l("nationwide")))] + list(LAENDER.items())


def prefix_filter(column, code: str):
    """An SQL condition: ``column`` holds a region inside ``code`` (for nationwide: any region)."""
    if code == NATIONWIDE:
        return column.isnot(None)
    return column.like(f"{code}%")
