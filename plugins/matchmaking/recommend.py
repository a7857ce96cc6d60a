"""Suggested for you: explained, deterministic recommendations between challenges and initiatives.

For a challenge, the initiatives that suit it; for an initiative, the challenges.
Everything runs on the server, from the project's own data; the same data gives
the same list::

    from .recommend import recommend_for_challenge, recommend_for_initiative

    for suggestion in recommend_for_challenge(challenge, limit=5):    # a models.Challenge
        suggestion.id        # an Initiative's id (recommend_for_initiative: a Challenge's)
        suggestion.score     # 0..1, rounded to 4 places; the list is best first, ties by lower id
        suggestion.reasons   # Reason objects, strongest first; str(reason) is a sentence in the
                             # current language: "same field of action: Pflege", "active in your Land:
                             # Niedersachsen", "offers what you seek: Pilot site / pilot municipality",
                             # "similar wording"; in a template: {{ reason }}

Both take ``weights=`` (default: the project's, :func:`project_weights`, read from
:class:`.models.Settings` ``weights``, a dict of the names of :class:`Weights`) and
``exclude=`` (candidate ids to leave out: already connected, blocked, withdrawn).
They run a fixed number of queries whatever the size of the catalogue (the
project's weights and field names, one full-text search, the candidates, their
fields) and need an app context. Whether a person wants suggestions at all
(:class:`.models.Preference`) is the caller's to check.

The score (:func:`score_pair`, pure: :class:`Profile` in, :class:`Match` out)
compares, in each direction, what one side looks for with what the other has:
the shares of its fields of action, SDGs and target groups the other shares,
of its needs the other offers (an initiative's needs against a body's offers),
region fit by AGS prefix (same Gemeinde > Kreis > Regierungsbezirk > Land >
bundesweit, :data:`REGION_FIT`), the initiative's maturity against the
challenge's status (:data:`STAGE_FIT`) and the BM25 / ts_rank relevance of the
other's text to one's own (:mod:`.search`, scaled so the best hit is 1). Each
direction is the weighted mean of its parts (a part the side names nothing in
is left out); the score is the harmonic mean of both directions, so a pair
ranks high only if it suits both sides. A candidate must share at least a
facet, a need met, a region or words; the stage of work alone is not enough.
:func:`rank` is the pure ranking of many candidates, for tests and batch use.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import asdict, dataclass, field, fields as dataclass_fields
from typing import Callable, Hashable, Iterable, Mapping

from core.toolkit import _, db, ngettext

from . import facets, regions

# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    """How much each part of the score counts; organisers change them per project.

    Only the ratios matter: every direction's score is divided by the sum of the
    weights that apply to it, so doubling all weights changes nothing. A weight
    of 0 switches that part (and its reason) off.
    """

    fields: float = 3.0  # shared fields of action (the programme's Handlungsfelder)
    sdgs: float = 1.0  # shared Sustainable Development Goals
    target_groups: float = 1.5  # shared target groups
    needs_offers: float = 2.5  # one side offers what the other needs (pilot site, data, funding, ...)
    region: float = 2.0  # region fit by AGS key prefix
    maturity: float = 1.0  # the initiative's maturity against the challenge's status
    text: float = 2.0  # full-text relevance (BM25 / ts_rank), normalised per query

    MAX = 100.0

    @classmethod
    def from_mapping(cls, data: Mapping[str, object] | None, *, strict: bool = True) -> Weights:
        """Weights from stored settings (e.g. a JSON column); missing names keep their defaults.

        Raises ``ValueError`` for unknown names and for values that are not numbers
        from 0 to :attr:`MAX`; with ``strict=False`` (reading what is stored) those
        are skipped instead.
        """
        names = {f.name for f in dataclass_fields(cls)}
        values = {}
        for name, value in (data or {}).items():
            if name not in names:
                if strict:
                    raise ValueError(f"unknown weight: {name!r}")
                continue
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                number = math.nan
            if not 0.0 <= number <= cls.MAX:  # also false for NaN
                if strict:
                    raise ValueError(f"weight {name!r} must be a number from 0 to {cls.MAX:g}, not {value!r}")
                continue
            values[name] = number
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        """The weights by name, for storing and for forms."""
        return asdict(self)


DEFAULT_WEIGHTS = Weights()


# ---------------------------------------------------------------------------
# Profiles: the plain data the scoring sees
# ---------------------------------------------------------------------------

CHALLENGE = "challenge"
INITIATIVE = "initiative"


@dataclass(frozen=True, slots=True)
class Profile:
    """One challenge or initiative, reduced to what the score compares.

    Facet values are keys (ids or slugs); ``labels(facet, key)`` turns them
    into words for the reasons. ``regions`` are AGS keys (2 to 8 digits) or
    ``"bundesweit"``; a challenge has one, an initiative those it is active in.
    ``stage`` is an initiative's maturity or a challenge's status.
    """

    id: int
    kind: str  # CHALLENGE or INITIATIVE
    fields: frozenset = frozenset()
    sdgs: frozenset = frozenset()
    target_groups: frozenset = frozenset()
    offers: frozenset = frozenset()
    needs: frozenset = frozenset()
    regions: tuple[str, ...] = ()
    stage: str | None = None


# ---------------------------------------------------------------------------
# Region fit by AGS key prefix
# ---------------------------------------------------------------------------

#: How well two regions fit, by the level :func:`.regions.fit_level` finds: the longer the
#: shared AGS prefix, the closer; "bundesweit" fits everywhere, a little less than sharing a Land.
#: The same region twice (a Land ministry and a Land-wide initiative) is a direct hit.
REGION_FIT = {"same": 1.0, "gemeinde": 1.0, "kreis": 0.85, "bezirk": 0.7, "land": 0.55, "nationwide": 0.45}
_PREFIX_LENGTH = {"gemeinde": 8, "kreis": 5, "bezirk": 3, "land": 2}
_LEVEL_OF_LENGTH = {8: "gemeinde", 5: "kreis", 3: "bezirk", 2: "land"}

#: (fit, level, shared region, which side is nationwide: "candidate", "viewer" or None)
RegionMatch = tuple[float, "str | None", "str | None", "str | None"]
NO_REGION: RegionMatch = (0.0, None, None, None)


def region_match(viewer: Iterable[str], candidate: Iterable[str]) -> RegionMatch:
    """The best-fitting pair of the two sides' regions: (fit 0..1, level, shared region, nationwide side).

    ``level`` is "gemeinde", "kreis", "bezirk", "land" or "nationwide"; the
    shared region is the AGS prefix both lie in (for the reasons' names).
    """
    best = NO_REGION
    candidate = tuple(candidate)
    for mine in viewer:
        for theirs in candidate:
            level = regions.fit_level(mine, theirs)
            fit = REGION_FIT.get(level, 0.0)
            if fit <= best[0]:
                continue
            if level == "same":
                level = "nationwide" if mine == regions.NATIONWIDE else _LEVEL_OF_LENGTH.get(len(mine), "gemeinde")
            if level == "nationwide":
                side = "candidate" if theirs == regions.NATIONWIDE else "viewer"
                best = (fit, level, regions.NATIONWIDE, side)
            else:
                best = (fit, level, mine[:_PREFIX_LENGTH[level]], None)
    return best


def region_fit(a: Iterable[str], b: Iterable[str]) -> float:
    """How well two sets of regions fit, 0 to 1: same Gemeinde > Kreis > Regierungsbezirk > Land > bundesweit."""
    return region_match(a, b)[0]


# ---------------------------------------------------------------------------
# Maturity fit
# ---------------------------------------------------------------------------

#: How well an initiative's maturity suits a challenge's status. An open challenge welcomes
#: anything that can be tried; one already piloting something, or solved, mostly gains from
#: initiatives that scale or can be transferred as they are.
STAGE_FIT: dict[str, dict[str, float]] = {
    "open": {"idea": 0.5, "prototype": 0.8, "pilot": 1.0, "scaling": 1.0, "transfer": 1.0},
    "talks": {"idea": 0.4, "prototype": 0.7, "pilot": 0.9, "scaling": 1.0, "transfer": 1.0},
    "piloting": {"idea": 0.2, "prototype": 0.4, "pilot": 0.7, "scaling": 1.0, "transfer": 1.0},
    "solved": {"idea": 0.1, "prototype": 0.2, "pilot": 0.4, "scaling": 0.7, "transfer": 1.0},
}
#: Shown as a reason from this fit on.
STAGE_REASON_FROM = 0.9


def stage_fit(status: str | None, maturity: str | None) -> float | None:
    """The fit of a challenge's status and an initiative's maturity, or None when either is unknown."""
    if status is None or maturity is None:
        return None
    row = STAGE_FIT.get(status)
    if row is None or maturity not in row:
        return None
    return row[maturity]


# ---------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------

#: From this normalised text relevance on, "similar wording" is given as a reason.
TEXT_REASON_FROM = 0.3


@dataclass(frozen=True)
class Reason:
    """One reason for a suggestion, in the words of the side it is shown to.

    ``str(reason)`` is the sentence in the current language (Flask-Babel), so a
    suggestion computed once reads right in German and English. ``code`` is one
    of ``field``, ``sdg``, ``target_group``, ``offers_sought``, ``seeks_offered``,
    ``region``, ``maturity``, ``text``; ``names`` are the labels concerned, and
    ``level`` the region level (``gemeinde``, ``kreis``, ``bezirk``, ``land``,
    ``nationwide`` when the candidate is active nationwide, ``nationwide_viewer``
    when the viewer is).
    """

    code: str
    names: tuple = ()
    level: str | None = None
    #: How much it added to the score (weight x part), which orders the reasons.
    weight: float = field(default=0.0, compare=False)

    def __str__(self) -> str:
        names = ", ".join(str(name) for name in self.names)
        count = len(self.names)
        if self.code == "field":
            return ngettext("same field of action: %(names)s", "same fields of action: %(names)s", count, names=names)
        if self.code == "sdg":
            return ngettext("same SDG: %(names)s", "same SDGs: %(names)s", count, names=names)
        if self.code == "target_group":
            return ngettext("same target group: %(names)s", "same target groups: %(names)s", count, names=names)
        if self.code == "offers_sought":
            return _("offers what you seek: %(names)s", names=names)
        if self.code == "seeks_offered":
            return _("seeks what you offer: %(names)s", names=names)
        if self.code == "maturity":
            return _("maturity fits: %(names)s", names=names)
        if self.code == "text":
            return _("similar wording")
        if self.code == "region":
            return self._region_text(names)
        return self.code

    def _region_text(self, names: str) -> str:
        if self.level == "gemeinde":
            return _("in your municipality: %(names)s", names=names) if names else _("in your municipality")
        if self.level == "kreis":
            return _("in your district: %(names)s", names=names) if names else _("in your district")
        if self.level == "bezirk":
            return _("in your administrative region: %(names)s", names=names) if names else _("in your administrative region")
        if self.level == "land":
            return _("active in your Land: %(names)s", names=names) if names else _("active in your Land")
        if self.level == "nationwide_viewer":
            return _("within your nationwide reach")
        return _("active nationwide")

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


Labels = Callable[[str, Hashable], object]


def _plain_label(_facet: str, key: Hashable) -> object:
    return key


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """The score of one pair and why: ``forward`` is how well the candidate suits the viewer,
    ``backward`` how well the viewer suits the candidate, ``score`` their harmonic mean."""

    score: float
    forward: float
    backward: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Suggestion:
    """One ranked partner: its id (an Initiative's for a challenge, a Challenge's for an initiative)."""

    id: int
    score: float
    reasons: tuple[Reason, ...]


def harmonic_mean(a: float, b: float) -> float:
    """High only when both are: 2ab / (a + b), 0 when either is 0."""
    return 2 * a * b / (a + b) if a > 0 and b > 0 else 0.0


class _Viewer:
    """What the scoring needs of the side suggestions are made for, computed once for many candidates."""

    __slots__ = ("profile", "weights", "regions", "region_memo", "field_n", "sdg_n", "group_n", "need_n", "fixed_den")

    def __init__(self, profile: Profile, weights: Weights):
        self.profile = profile
        self.weights = weights
        self.regions = tuple(profile.regions)
        # Catalogues repeat the same few hundred regions: work out each fit once per viewer.
        self.region_memo: dict[tuple[str, ...], RegionMatch] = {}
        self.field_n = len(profile.fields)
        self.sdg_n = len(profile.sdgs)
        self.group_n = len(profile.target_groups)
        self.need_n = len(profile.needs)
        w = weights
        # The facets this side has nothing in are left out of its direction, not counted as misses.
        self.fixed_den = ((w.fields if self.field_n else 0.0) + (w.sdgs if self.sdg_n else 0.0)
                          + (w.target_groups if self.group_n else 0.0) + (w.needs_offers if self.need_n else 0.0))

    def numbers(self, other: Profile, text: float | None):
        """(score, forward, backward, parts) for one candidate; ``parts`` feeds the reasons."""
        me, w = self.profile, self.weights
        fields = me.fields & other.fields if self.field_n else frozenset()
        sdgs = me.sdgs & other.sdgs if self.sdg_n else frozenset()
        groups = me.target_groups & other.target_groups if self.group_n else frozenset()
        sought = me.needs & other.offers  # the candidate offers what I need
        offered = other.needs & me.offers  # the candidate needs what I offer
        nf, ns, ng = len(fields), len(sdgs), len(groups)
        of, os_, og, on = len(other.fields), len(other.sdgs), len(other.target_groups), len(other.needs)

        fwd = bwd = 0.0
        fwd_den = self.fixed_den
        bwd_den = ((w.fields if of else 0.0) + (w.sdgs if os_ else 0.0) + (w.target_groups if og else 0.0)
                   + (w.needs_offers if on else 0.0))
        if nf:
            fwd += w.fields * nf / self.field_n
            bwd += w.fields * nf / of
        if ns:
            fwd += w.sdgs * ns / self.sdg_n
            bwd += w.sdgs * ns / os_
        if ng:
            fwd += w.target_groups * ng / self.group_n
            bwd += w.target_groups * ng / og
        if sought:
            fwd += w.needs_offers * len(sought) / self.need_n
        if offered:
            bwd += w.needs_offers * len(offered) / on

        region = NO_REGION
        if self.regions and other.regions:
            region = self.region_memo.get(other.regions)
            if region is None:
                region = self.region_memo[other.regions] = region_match(self.regions, other.regions)
            fwd += w.region * region[0]
            bwd += w.region * region[0]
            fwd_den += w.region
            bwd_den += w.region

        if me.kind == CHALLENGE:
            stage = stage_fit(me.stage, other.stage)
        else:
            stage = stage_fit(other.stage, me.stage)
        if stage is not None:
            fwd += w.maturity * stage
            bwd += w.maturity * stage
            fwd_den += w.maturity
            bwd_den += w.maturity

        if text is not None:
            fwd += w.text * text
            bwd += w.text * text
            fwd_den += w.text
            bwd_den += w.text

        if not (nf or ns or ng or sought or offered or region[0] > 0 or text):
            # Nothing in common but the stage of work: not a suggestion (and not loaded: see the prefilter).
            return 0.0, 0.0, 0.0, None
        forward = fwd / fwd_den if fwd_den else 0.0
        backward = bwd / bwd_den if bwd_den else 0.0
        parts = (fields, sdgs, groups, sought, offered, region, stage, text)
        return harmonic_mean(forward, backward), forward, backward, parts

    def reasons(self, other: Profile, parts, labels: Labels) -> tuple[Reason, ...]:
        """The reasons in the viewer's words, the strongest first."""
        fields, sdgs, groups, sought, offered, region, stage, text = parts
        w, me = self.weights, self.profile
        found: list[tuple[float, int, Reason]] = []

        def add(order: int, strength: float, reason_code: str, facet: str | None = None, keys=(), level=None,
                names=None):
            if strength <= 0:
                return
            if names is None:
                names = tuple(labels(facet, key) for key in sorted(keys)) if facet else ()
            found.append((strength, order, Reason(reason_code, names, level, round(strength, 6))))

        if fields:
            add(0, w.fields * len(fields) / self.field_n, "field", "field", fields)
        if sought:
            add(1, w.needs_offers * len(sought) / self.need_n, "offers_sought", "offer", sought)
        if offered:
            add(2, w.needs_offers * len(offered) / max(1, len(other.needs)), "seeks_offered", "need", offered)
        if groups:
            add(3, w.target_groups * len(groups) / self.group_n, "target_group", "target_group", groups)
        if sdgs:
            add(4, w.sdgs * len(sdgs) / self.sdg_n, "sdg", "sdg", sdgs)
        fit, level, shared, nationwide_side = region
        if fit > 0:
            names = () if nationwide_side else (labels("region", shared),)
            if names == (shared,):  # no name known for the key: say the level only
                names = ()
            if nationwide_side == "viewer":
                level = "nationwide_viewer"
            add(5, w.region * fit, "region", level=level, names=names)
        if stage is not None and stage >= STAGE_REASON_FROM:
            maturity = other.stage if me.kind == CHALLENGE else me.stage
            add(6, w.maturity * stage, "maturity", "maturity", (maturity,))
        if text is not None and text >= TEXT_REASON_FROM:
            add(7, w.text * text, "text")
        found.sort(key=lambda item: (-item[0], item[1]))
        return tuple(reason for _strength, _order, reason in found)


def _round(score: float) -> float:
    return round(score, 4)


def score_pair(viewer: Profile, candidate: Profile, weights: Weights = DEFAULT_WEIGHTS, *,
               text: float | None = None, labels: Labels | None = None) -> Match:
    """Score one pair and explain it, in the viewer's words: plain data in, no database.

    ``text`` is the candidate's full-text relevance to the viewer, normalised
    to 0..1 (None: no index; the text part is left out). The score is the
    harmonic mean of both directions, each a weighted share of what that side
    looks for that the other has; it is symmetric when ``text`` is.
    """
    scorer = _Viewer(viewer, weights)
    score, forward, backward, parts = scorer.numbers(candidate, text)
    reasons = scorer.reasons(candidate, parts, labels or _plain_label) if score > 0 else ()
    return Match(_round(score), forward, backward, reasons)


def rank(viewer: Profile, candidates: Iterable[Profile], weights: Weights = DEFAULT_WEIGHTS, *,
         text: Mapping[int, float] | None = None, labels: Labels | None = None, limit: int = 10) -> list[Suggestion]:
    """The ``limit`` best candidates for ``viewer``, best first, ties by id; pairs scoring 0 are left out.

    ``text`` maps candidate ids to their normalised full-text relevance (missing
    ids count 0); None leaves the text part out for everyone. Reasons are
    worked out only for the candidates returned.
    """
    if limit <= 0:
        return []
    scorer = _Viewer(viewer, weights)
    scored = []
    for candidate in candidates:
        if candidate.id == viewer.id and candidate.kind == viewer.kind:
            continue
        relevance = None if text is None else text.get(candidate.id, 0.0)
        score = scorer.numbers(candidate, relevance)[0]
        if score > 0:
            scored.append((_round(score), -candidate.id, candidate, relevance))
    best = heapq.nlargest(limit, scored, key=lambda item: (item[0], item[1]))
    suggestions = []
    for score, _neg_id, candidate, relevance in best:
        parts = scorer.numbers(candidate, relevance)[3]
        suggestions.append(Suggestion(candidate.id, score, scorer.reasons(candidate, parts, labels or _plain_label)))
    return suggestions


# ---------------------------------------------------------------------------
# Loading: candidates from the database, a constant number of queries per call
# ---------------------------------------------------------------------------

#: Text relevance comes from the best this many full-text hits; the rest count 0.
TEXT_HITS = 300

_VOCABULARIES = {}
_MASK_KEYS: dict[tuple[str, int], frozenset] = {}


def _keys(mask: int | None, vocabulary: str) -> frozenset:
    """The keys set in a facet bit mask; the same few hundred masks recur, so each is decoded once."""
    cache_key = (vocabulary, mask or 0)
    found = _MASK_KEYS.get(cache_key)
    if found is None:
        if not _VOCABULARIES:
            _VOCABULARIES.update(sdg=facets.SDGS, target=facets.TARGET_GROUPS, resource=facets.RESOURCES,
                                 solution=facets.SOLUTIONS)
        found = _MASK_KEYS[cache_key] = frozenset(facets.from_mask(mask, _VOCABULARIES[vocabulary]))
    return found


def _initiative_regions(regions_text: str | None) -> tuple[str, ...]:
    """As :attr:`.models.Initiative.regions`, from the stored column (for rows read without the ORM)."""
    return tuple(code for code in (regions_text or "").split(";") if code) or (regions.NATIONWIDE,)


def challenge_profile(challenge, field_ids: Iterable[int] | None = None) -> Profile:
    """A :class:`.models.Challenge` as the scoring sees it (its fields are loaded unless given)."""
    return Profile(
        challenge.id, CHALLENGE,
        fields=frozenset(challenge.field_ids if field_ids is None else field_ids),
        sdgs=_keys(challenge.sdg_mask, "sdg"),
        target_groups=_keys(challenge.target_mask, "target"),
        offers=_keys(challenge.offer_mask, "resource"),
        regions=(challenge.region or regions.NATIONWIDE,),
        stage=challenge.status,
    )


def initiative_profile(initiative, field_ids: Iterable[int] | None = None) -> Profile:
    """A :class:`.models.Initiative` as the scoring sees it: it needs resources and offers solutions."""
    return Profile(
        initiative.id, INITIATIVE,
        fields=frozenset(initiative.field_ids if field_ids is None else field_ids),
        sdgs=_keys(initiative.sdg_mask, "sdg"),
        target_groups=_keys(initiative.target_mask, "target"),
        offers=_keys(initiative.offer_mask, "solution"),
        needs=_keys(initiative.need_mask, "resource"),
        regions=_initiative_regions(initiative.regions_text),
        stage=initiative.maturity,
    )


def project_weights(project_id: int) -> Weights:
    """The project's weights (:class:`.models.Settings`), defaults for whatever is not set or not valid."""
    from .models import Settings

    stored = db.session.scalar(db.select(Settings.weights).where(Settings.project_id == project_id))
    return Weights.from_mapping(stored, strict=False)


def _labels(project_id: int) -> Labels:
    """Words for the reasons: field names from the project, vocabularies and region names from the plugin."""
    from .models import Field

    names = {
        "field": dict(db.session.execute(db.select(Field.id, Field.name).where(Field.project_id == project_id)).all()),
        "sdg": dict(facets.SDGS),
        "target_group": dict(facets.TARGET_GROUPS),
        "offer": {**dict(facets.RESOURCES), **dict(facets.SOLUTIONS)},
        "maturity": dict(facets.MATURITY),
        "region": {**regions.LAENDER, **regions.KNOWN},
    }
    names["need"] = names["offer"]

    def label(facet: str, key: Hashable) -> object:
        return names.get(facet, {}).get(key, key)

    return label


def _text_relevance(kind: str, viewer_kind: str, viewer, project_id: int) -> dict[int, float]:
    """Full-text relevance of the catalogue ``kind`` to the viewer's own words, scaled so the best hit is 1."""
    from .search import document, search

    title, body = document(viewer_kind, viewer)
    hits = search(kind, f"{title}\n{body}", project_id=project_id, mode="any", limit=TEXT_HITS)
    best = max((hit.score for hit in hits), default=0.0)
    if best <= 0:
        return {}
    return {hit.id: max(0.0, hit.score / best) for hit in hits}


def _field_map(table, owner_column: str, ids_query) -> dict[int, set[int]]:
    """owner id -> field ids, for the owners ``ids_query`` selects: one query."""
    owner = table.c[owner_column]
    found: dict[int, set[int]] = {}
    for owner_id, field_id in db.session.execute(
        db.select(owner, table.c.field_id).where(owner.in_(ids_query))
    ):
        found.setdefault(owner_id, set()).add(field_id)
    return found


def recommend_for_challenge(challenge, limit: int = 10, *, weights: Weights | None = None,
                            exclude: Iterable[int] = ()) -> list[Suggestion]:
    """Initiatives for a challenge, best first (ids of :class:`.models.Initiative`); see the module docstring."""
    from .models import Initiative, initiative_fields

    project_id = challenge.project_id
    weights = weights or project_weights(project_id)
    viewer = challenge_profile(challenge)
    text = _text_relevance("initiative", "challenge", challenge, project_id) if weights.text > 0 else None

    # Candidates share something with the challenge: a facet, what it offers, its region, or words.
    shares = [
        Initiative.sdg_mask.op("&")(challenge.sdg_mask or 0) != 0,
        Initiative.target_mask.op("&")(challenge.target_mask or 0) != 0,
        Initiative.need_mask.op("&")(challenge.offer_mask or 0) != 0,
    ]
    if viewer.fields:
        shares.append(Initiative.id.in_(
            db.select(initiative_fields.c.initiative_id).where(initiative_fields.c.field_id.in_(viewer.fields))))
    region = viewer.regions[0]
    if region == regions.NATIONWIDE:
        shares.append(db.true())
    else:
        for code in (regions.NATIONWIDE, region[:2]):
            shares += [Initiative.regions_text.like(f"{code}%"), Initiative.regions_text.like(f"%;{code}%")]
    if text:
        shares.append(Initiative.id.in_(sorted(text)))
    selected = (db.select(Initiative.id, Initiative.sdg_mask, Initiative.target_mask, Initiative.offer_mask,
                          Initiative.need_mask, Initiative.regions_text, Initiative.maturity)
                .where(Initiative.project_id == project_id, db.or_(*shares)))
    rows = db.session.execute(selected).all()
    fields = _field_map(initiative_fields, "initiative_id", selected.with_only_columns(Initiative.id))
    excluded = set(exclude)
    candidates = [
        Profile(row.id, INITIATIVE, frozenset(fields.get(row.id, ())), _keys(row.sdg_mask, "sdg"),
                _keys(row.target_mask, "target"), _keys(row.offer_mask, "solution"), _keys(row.need_mask, "resource"),
                _initiative_regions(row.regions_text), row.maturity)
        for row in rows if row.id not in excluded
    ]
    return rank(viewer, candidates, weights, text=text, labels=_labels(project_id), limit=limit)


def recommend_for_initiative(initiative, limit: int = 10, *, weights: Weights | None = None,
                             exclude: Iterable[int] = ()) -> list[Suggestion]:
    """Challenges for an initiative, best first (ids of :class:`.models.Challenge`); see the module docstring."""
    from .models import Challenge, challenge_fields

    project_id = initiative.project_id
    weights = weights or project_weights(project_id)
    viewer = initiative_profile(initiative)
    text = _text_relevance("challenge", "initiative", initiative, project_id) if weights.text > 0 else None

    # Candidates share something with the initiative: a facet, what it needs, a region, or words.
    shares = [
        Challenge.sdg_mask.op("&")(initiative.sdg_mask or 0) != 0,
        Challenge.target_mask.op("&")(initiative.target_mask or 0) != 0,
        Challenge.offer_mask.op("&")(initiative.need_mask or 0) != 0,
    ]
    if viewer.fields:
        shares.append(Challenge.id.in_(
            db.select(challenge_fields.c.challenge_id).where(challenge_fields.c.field_id.in_(viewer.fields))))
    if regions.NATIONWIDE in viewer.regions:
        shares.append(db.true())
    else:
        lands = sorted({code[:2] for code in viewer.regions})
        shares += [Challenge.region == regions.NATIONWIDE, db.func.substr(Challenge.region, 1, 2).in_(lands)]
    if text:
        shares.append(Challenge.id.in_(sorted(text)))
    selected = (db.select(Challenge.id, Challenge.sdg_mask, Challenge.target_mask, Challenge.offer_mask,
                          Challenge.region, Challenge.status)
                .where(Challenge.project_id == project_id, db.or_(*shares)))
    rows = db.session.execute(selected).all()
    fields = _field_map(challenge_fields, "challenge_id", selected.with_only_columns(Challenge.id))
    excluded = set(exclude)
    candidates = [
        Profile(row.id, CHALLENGE, frozenset(fields.get(row.id, ())), _keys(row.sdg_mask, "sdg"),
                _keys(row.target_mask, "target"), _keys(row.offer_mask, "resource"), frozenset(),
                (row.region or regions.NATIONWIDE,), row.status)
        for row in rows if row.id not in excluded
    ]
    return rank(viewer, candidates, weights, text=text, labels=_labels(project_id), limit=limit)
