"""The fixed vocabularies of the catalogues: SDGs, target groups, resources, solution types, maturity, status.

Each is a list of ``(key, label)``; sets of keys are stored as bit masks
(``sdg_mask``, ``need_mask``…) so that a filter is one indexed-free integer
test on SQLite and PostgreSQL alike (``mask & bit != 0``), and a model exposes
them as Python sets (``initiative.needs == {"pilot_site", "data"}``)::

    >>> to_mask(["data", "funding"], RESOURCES)
    6
    >>> from_mask(6, RESOURCES)
    {'data', 'funding'}

The fields of action (Handlungsfelder) are not here: they are each project's
own taxonomy, kept by its organisers (:class:`.models.Field`).
"""
from __future__ import annotations

from typing import Iterable

from core.toolkit import _l

SDGS: list[tuple[int, object]] = [
    (1, _l("No poverty")),
    (2, _l("Zero hunger")),
    (3, _l("Good health and well-being")),
    (4, _l("Quality education")),
    (5, _l("Gender equality")),
    (6, _l("Clean water and sanitation")),
    (7, _l("Affordable and clean energy")),
    (8, _l("Decent work and economic growth")),
    (9, _l("Industry, innovation and infrastructure")),
    (10, _l("Reduced inequalities")),
    (11, _l("Sustainable cities and communities")),
    (12, _l("Responsible consumption and production")),
    (13, _l("Climate action")),
    (14, _l("Life below water")),
    (15, _l("Life on land")),
    (16, _l("Peace, justice and strong institutions")),
    (17, _l("Partnerships for the goals")),
]

TARGET_GROUPS: list[tuple[str, object]] = [
    ("children", _l("Children")),
    ("youth", _l("Young people")),
    ("families", _l("Families")),
    ("seniors", _l("Older people")),
    ("disabilities", _l("People with disabilities")),
    ("migrants", _l("Migrants and refugees")),
    ("jobseekers", _l("Jobseekers")),
    ("low_income", _l("People on low incomes")),
    ("rural", _l("Rural residents")),
    ("administration", _l("Public administration")),
    ("businesses", _l("Small businesses")),
    ("everyone", _l("Everyone")),
]

#: What a public body offers for a pilot and what an initiative needs: one vocabulary, so needs meet offers.
RESOURCES: list[tuple[str, object]] = [
    ("pilot_site", _l("Pilot site / pilot municipality")),
    ("data", _l("Data")),
    ("funding", _l("Budget / funding")),
    ("contacts", _l("Contacts and partners")),
    ("staff_time", _l("Staff time")),
    ("space", _l("Space and rooms")),
]

#: What an initiative provides.
SOLUTIONS: list[tuple[str, object]] = [
    ("software", _l("Software or digital tool")),
    ("method", _l("Method or concept")),
    ("training", _l("Training and workshops")),
    ("consulting", _l("Advice and support")),
    ("volunteers", _l("Volunteers")),
    ("network", _l("Network and community")),
    ("service", _l("Service for residents")),
]

MATURITY: list[tuple[str, object]] = [
    ("idea", _l("Idea")),
    ("prototype", _l("Prototype")),
    ("pilot", _l("Pilot")),
    ("scaling", _l("Scaling")),
    ("transfer", _l("Ready for transfer")),
]
MATURITY_RANK = {key: rank for rank, (key, _label) in enumerate(MATURITY)}

CHALLENGE_STATUS: list[tuple[str, object]] = [
    ("open", _l("Open")),
    ("talks", _l("In talks")),
    ("piloting", _l("Piloting")),
    ("solved", _l("Solved")),
]


def keys(vocabulary) -> list:
    return [key for key, _label in vocabulary]


def bit(key, vocabulary) -> int:
    """The mask bit of one key (KeyError for an unknown one)."""
    return 1 << keys(vocabulary).index(key)


def to_mask(values: Iterable, vocabulary) -> int:
    known = keys(vocabulary)
    mask = 0
    for value in values:
        mask |= 1 << known.index(value)
    return mask


def from_mask(mask: int | None, vocabulary) -> set:
    return {key for index, (key, _label) in enumerate(vocabulary) if (mask or 0) >> index & 1}


def labels(values: Iterable, vocabulary) -> list[str]:
    """Labels of ``values`` in the vocabulary's order."""
    chosen = set(values)
    return [str(label) for key, label in vocabulary if key in chosen]


def label_of(key, vocabulary) -> str:
    return next((str(label) for k, label in vocabulary if k == key), str(key))


def parse_keys(text: str, vocabulary) -> tuple[list, list[str]]:
    """Keys from an import cell ("pilot_site; Daten; 3"): by key, by English or German label or, for SDGs, by number.

    Returns ``(keys, unknown words)``.
    """
    from flask_babel import force_locale

    found, unknown = [], []
    lookup: dict[str, object] = {}
    for key, label in vocabulary:
        lookup[str(key).casefold()] = key
        lookup[str(label).casefold()] = key
        with force_locale("de"):
            lookup[str(label).casefold()] = key
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        folded = part.casefold().removeprefix("sdg").strip()
        key = lookup.get(part.casefold(), lookup.get(folded))
        if key is None and folded.isdigit():
            key = lookup.get(str(int(folded)))
        if key is None:
            unknown.append(part)
        elif key not in found:
            found.append(key)
    return found, unknown
