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
They need an app context and run a fixed number of queries whatever the size
of the catalogue: the project's weights and cache scope version, the viewer's
fields and one full-text search; the candidates' profiles are kept in memory
per process and project until the version of the project's cache scope moves
(every write to the project does, core/cache_scopes.py), then reloaded in two queries (see "Loading" below
for why there is no SQL prefilter). Whether a person wants suggestions at all
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
import re
import threading
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
    into words for the reasons. ``regions`` are AGS keys (2, 3, 5 or 8 digits)
    or :data:`.regions.NATIONWIDE` ("DE", bundesweit); a challenge has one, an
    initiative those it is active in.
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
    #: The sets as bit masks and their sizes, so that scoring a pair is integer arithmetic.
    bits: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "bits", (
            _mask("field", self.fields), _mask("sdg", self.sdgs), _mask("group", self.target_groups),
            _mask("goods", self.offers), _mask("goods", self.needs),
            len(self.fields), len(self.sdgs), len(self.target_groups), len(self.needs),
        ))


#: One bit per key and kind of facet (offers and needs share one vocabulary, "goods"); it only
#: grows, by the keys of every catalogue this process has seen.
_BITS: dict[str, dict[Hashable, int]] = {"field": {}, "sdg": {}, "group": {}, "goods": {}}
_BITS_LOCK = threading.Lock()


def _mask(group: str, keys: Iterable[Hashable]) -> int:
    bits, mask = _BITS[group], 0
    for key in keys:
        bit = bits.get(key)
        if bit is None:
            with _BITS_LOCK:
                bit = bits.setdefault(key, len(bits))
        mask |= 1 << bit
    return mask


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


class RegionIndex:
    """:func:`region_match` for one viewer against many candidates, by dictionary look-ups.

    Comparing every pair of keys with :func:`.regions.fit_level` cost a third of
    the scoring; here the viewer's key prefixes are looked up instead (same
    results: tests compare both).
    """

    __slots__ = ("codes", "prefixes", "nationwide")

    def __init__(self, codes: Iterable[str]):
        self.codes = frozenset(codes)
        self.nationwide = regions.NATIONWIDE in self.codes
        self.prefixes: set[str] = set()
        for code in self.codes:
            if code != regions.NATIONWIDE:
                self.prefixes.update(code[:length] for length in _PREFIX_LENGTH.values() if len(code) >= length)

    def match(self, candidate: Iterable[str]) -> RegionMatch:
        best = NO_REGION
        for theirs in candidate:
            if theirs in self.codes:
                if theirs == regions.NATIONWIDE:
                    found: RegionMatch = (REGION_FIT["same"], "nationwide", regions.NATIONWIDE, "candidate")
                else:
                    found = (REGION_FIT["same"], _LEVEL_OF_LENGTH.get(len(theirs), "gemeinde"), theirs, None)
            else:
                found = NO_REGION
                for level, length in _PREFIX_LENGTH.items():  # longest first
                    if len(theirs) >= length and theirs[:length] in self.prefixes:
                        found = (REGION_FIT[level], level, theirs[:length], None)
                        break
                if found[0] < REGION_FIT["nationwide"] and (theirs == regions.NATIONWIDE or self.nationwide):
                    side = "candidate" if theirs == regions.NATIONWIDE else "viewer"
                    found = (REGION_FIT["nationwide"], "nationwide", regions.NATIONWIDE, side)
            if found[0] > best[0]:
                best = found
        return best


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

    __slots__ = ("profile", "weights", "region_index", "region_memo", "stages", "bits", "fixed_den")

    def __init__(self, profile: Profile, weights: Weights):
        self.profile = profile
        self.weights = weights
        self.region_index = RegionIndex(profile.regions)
        self.region_memo: dict[tuple[str, ...], RegionMatch] = {}
        # The fit of each stage the other side may be in, with this side's status or maturity.
        if profile.kind == CHALLENGE:
            self.stages = dict(STAGE_FIT.get(profile.stage, {}))
        else:
            self.stages = {status: row[profile.stage] for status, row in STAGE_FIT.items() if profile.stage in row}
        self.bits = profile.bits
        w, (nf, ns, ng, nn) = weights, profile.bits[5:]
        # The facets this side has nothing in are left out of its direction, not counted as misses.
        self.fixed_den = ((w.fields if nf else 0.0) + (w.sdgs if ns else 0.0) + (w.target_groups if ng else 0.0)
                          + (w.needs_offers if nn else 0.0))

    def numbers(self, other: Profile, text: float | None):
        """(score, forward, backward, region match, stage fit) for one candidate."""
        w = self.weights
        my_fields, my_sdgs, my_groups, my_offers, my_needs, my_nf, my_ns, my_ng, my_nn = self.bits
        fields, sdgs, groups, offers, needs, nf, ns, ng, nn = other.bits
        shared_fields = (my_fields & fields).bit_count()
        shared_sdgs = (my_sdgs & sdgs).bit_count()
        shared_groups = (my_groups & groups).bit_count()
        sought = (my_needs & offers).bit_count()  # the candidate offers what I need
        offered = (needs & my_offers).bit_count()  # the candidate needs what I offer

        fwd = bwd = 0.0
        fwd_den = self.fixed_den
        bwd_den = ((w.fields if nf else 0.0) + (w.sdgs if ns else 0.0) + (w.target_groups if ng else 0.0)
                   + (w.needs_offers if nn else 0.0))
        if shared_fields:
            fwd += w.fields * shared_fields / my_nf
            bwd += w.fields * shared_fields / nf
        if shared_sdgs:
            fwd += w.sdgs * shared_sdgs / my_ns
            bwd += w.sdgs * shared_sdgs / ns
        if shared_groups:
            fwd += w.target_groups * shared_groups / my_ng
            bwd += w.target_groups * shared_groups / ng
        if sought:
            fwd += w.needs_offers * sought / my_nn
        if offered:
            bwd += w.needs_offers * offered / nn

        region = NO_REGION
        if self.region_index.codes and other.regions:
            region = self.region_memo.get(other.regions)
            if region is None:
                region = self.region_memo[other.regions] = self.region_index.match(other.regions)
            fwd += w.region * region[0]
            bwd += w.region * region[0]
            fwd_den += w.region
            bwd_den += w.region

        stage = self.stages.get(other.stage)
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

        if not (shared_fields or shared_sdgs or shared_groups or sought or offered or region[0] > 0 or text):
            return 0.0, 0.0, 0.0, region, stage  # nothing in common but the stage of work: not a suggestion
        forward = fwd / fwd_den if fwd_den else 0.0
        backward = bwd / bwd_den if bwd_den else 0.0
        score = 2 * forward * backward / (forward + backward) if forward > 0 and backward > 0 else 0.0
        return score, forward, backward, region, stage

    def reasons(self, other: Profile, region: RegionMatch, stage: float | None, text: float | None,
                labels: Labels) -> tuple[Reason, ...]:
        """The reasons in the viewer's words, the strongest first."""
        w, me = self.weights, self.profile
        fields, sdgs, groups = me.fields & other.fields, me.sdgs & other.sdgs, me.target_groups & other.target_groups
        sought, offered = me.needs & other.offers, other.needs & me.offers
        found: list[tuple[float, int, Reason]] = []

        def add(order: int, strength: float, reason_code: str, facet: str | None = None, keys=(), level=None,
                names=None):
            if strength <= 0:
                return
            if names is None:
                names = tuple(labels(facet, key) for key in sorted(keys)) if facet else ()
            found.append((strength, order, Reason(reason_code, names, level, round(strength, 6))))

        if fields:
            add(0, w.fields * len(fields) / len(me.fields), "field", "field", fields)
        if sought:
            add(1, w.needs_offers * len(sought) / len(me.needs), "offers_sought", "offer", sought)
        if offered:
            add(2, w.needs_offers * len(offered) / len(other.needs), "seeks_offered", "need", offered)
        if groups:
            add(3, w.target_groups * len(groups) / len(me.target_groups), "target_group", "target_group", groups)
        if sdgs:
            add(4, w.sdgs * len(sdgs) / len(me.sdgs), "sdg", "sdg", sdgs)
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
    score, forward, backward, region, stage = scorer.numbers(candidate, text)
    reasons = scorer.reasons(candidate, region, stage, text, labels or _plain_label) if score > 0 else ()
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
    numbers = scorer.numbers
    scored = []
    for candidate in candidates:
        if candidate.id == viewer.id and candidate.kind == viewer.kind:
            continue
        relevance = None if text is None else text.get(candidate.id, 0.0)
        score = numbers(candidate, relevance)[0]
        if score > 0:
            # Rounded, so that scores equal to the eye are equal, and the lower id wins.
            scored.append((round(score, 4), -candidate.id, candidate, relevance))
    best = heapq.nlargest(limit, scored, key=lambda item: (item[0], item[1]))
    suggestions = []
    for score, _neg_id, candidate, relevance in best:
        _score, _forward, _backward, region, stage = numbers(candidate, relevance)
        reasons = scorer.reasons(candidate, region, stage, relevance, labels or _plain_label)
        suggestions.append(Suggestion(candidate.id, score, reasons))
    return suggestions


# ---------------------------------------------------------------------------
# Loading: the project's catalogue, once per version of its cache scope
# ---------------------------------------------------------------------------
#
# Why not a prefilter in SQL (candidates sharing a facet, a region or words)? Measured on the
# benchmark's catalogue (bench/matchmaking.py), such a filter kept 93 % of the initiatives: with
# 17 SDGs, a dozen fields and a few target groups, nearly every pair shares something. Loading
# them took twice as long as scoring them. So each process keeps the project's profiles in
# memory and reloads them (one query for the items, one for their fields) when the version of
# the project's cache scope moves, which every write to the project does (core.cache_scopes); a call then
# costs a version check, the viewer's fields, one full-text search and the scoring.

#: Text relevance comes from the best this many full-text hits; the rest count 0.
TEXT_HITS = 300
#: Words of the viewer's own text that go into the full-text query, title first.
TEXT_QUERY_WORDS = 24
#: Words that tell no document from another (SQLite's index keeps them; PostgreSQL's german
#: configuration drops them itself).
STOPWORDS = frozenset("""
aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bisher bist da
damit dann das dass dein deine dem den denn der deren des dessen die dies diese diesem diesen dieser dieses doch
dort du durch ein eine einem einen einer eines er es etwa etwas euch euer eure für gegen gibt hat hatte haben
hier ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ins ist jede jedem jeden jeder jetzt kann kein keine können
könnte man mehr mein mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so soll
sollen sollte sowie über um und uns unser unsere unter viel viele vom von vor war waren was weil welche wenn
werden wie wieder will wir wird wo wurde wurden zu zum zur zwischen
a an and are as at be by for from has have how in is it of on or that the their this to we what with
""".split())
_WORD = re.compile(r"\w+", re.UNICODE)

_VOCABULARIES = {}
_MASK_KEYS: dict[tuple[str, int], frozenset] = {}
_CACHE = "matchmaking.recommend"


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
    """A :class:`.models.Challenge` (or a row with its columns) as the scoring sees it.

    Its fields are loaded through the relationship unless ``field_ids`` is given.
    """
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
    """A :class:`.models.Initiative` (or a row with its columns) as the scoring sees it.

    It needs resources (the words of a challenge's offers) and offers solutions.
    """
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


class _Catalogue:
    """One project's profiles and field names at one version of its cache scope (kept per process, per app)."""

    def __init__(self, version: int):
        self.version = version
        self.profiles: dict[str, list[Profile]] = {}
        self.field_names: dict[int, str] | None = None


def _catalogue(project_id: int) -> _Catalogue:
    from flask import current_app

    from core.toolkit import project_scope, version_of

    version = version_of(project_scope(project_id))
    store = current_app.extensions.setdefault(_CACHE, {})
    catalogue = store.get(project_id)
    if catalogue is None or catalogue.version != version:
        # Concurrent requests may both rebuild it; they build the same thing.
        catalogue = store[project_id] = _Catalogue(version)
    return catalogue


def _profiles(catalogue: _Catalogue, project_id: int, kind: str) -> list[Profile]:
    """Every challenge or initiative of the project as a :class:`Profile`: two queries when not cached."""
    from .models import Challenge, Initiative, challenge_fields, initiative_fields

    found = catalogue.profiles.get(kind)
    if found is not None:
        return found
    model, table, owner, make = (
        (Challenge, challenge_fields, "challenge_id", challenge_profile) if kind == CHALLENGE
        else (Initiative, initiative_fields, "initiative_id", initiative_profile)
    )
    columns = [model.id, model.sdg_mask, model.target_mask, model.offer_mask]
    columns += [model.region, model.status] if kind == CHALLENGE else [model.need_mask, model.regions_text,
                                                                        model.maturity]
    field_ids: dict[int, list[int]] = {}
    for owner_id, field_id in db.session.execute(
        db.select(table.c[owner], table.c.field_id).join(model, model.id == table.c[owner])
        .where(model.project_id == project_id)
    ):
        field_ids.setdefault(owner_id, []).append(field_id)
    rows = db.session.execute(db.select(*columns).where(model.project_id == project_id).order_by(model.id))
    found = catalogue.profiles[kind] = [make(row, field_ids.get(row.id, ())) for row in rows]
    return found


def _labels(catalogue: _Catalogue, project_id: int) -> Labels:
    """Words for the reasons: field names from the project, vocabularies and region names from the plugin."""
    from .models import Field

    if catalogue.field_names is None:
        catalogue.field_names = dict(db.session.execute(
            db.select(Field.id, Field.name).where(Field.project_id == project_id)).all())
    offers = {**dict(facets.RESOURCES), **dict(facets.SOLUTIONS)}
    names = {
        "field": catalogue.field_names,
        "sdg": dict(facets.SDGS),
        "target_group": dict(facets.TARGET_GROUPS),
        "offer": offers,
        "need": offers,
        "maturity": dict(facets.MATURITY),
        "region": {**regions.LAENDER, **regions.KNOWN},
    }

    def label(facet: str, key: Hashable) -> object:
        return names.get(facet, {}).get(key, key)

    return label


def text_query(title: str, body: str) -> str:
    """The viewer's own words that go into the full-text query: no stop words, each once, title first."""
    chosen: dict[str, None] = {}
    for word in _WORD.findall(f"{title}\n{body}"):
        folded = word.casefold()
        if folded not in STOPWORDS and not word.isdigit() and folded not in chosen:
            chosen[folded] = None
            if len(chosen) == TEXT_QUERY_WORDS:
                break
    return " ".join(chosen)


def text_relevance(kind: str, viewer_kind: str, viewer, project_id: int) -> dict[int, float]:
    """Full-text relevance of the catalogue ``kind`` to the viewer's own words, scaled so the best hit is 1."""
    from .search import document, search

    hits = search(kind, text_query(*document(viewer_kind, viewer)), project_id=project_id, mode="any",
                  limit=TEXT_HITS)
    best = max((hit.score for hit in hits), default=0.0)
    if best <= 0:
        return {}
    return {hit.id: max(0.0, hit.score / best) for hit in hits}


def _recommend(viewer_kind: str, item, limit: int, weights: Weights | None, exclude: Iterable[int]) -> list[Suggestion]:
    project_id = item.project_id
    weights = weights or project_weights(project_id)
    if viewer_kind == CHALLENGE:
        viewer, other = challenge_profile(item), INITIATIVE
    else:
        viewer, other = initiative_profile(item), CHALLENGE
    text = text_relevance(other, viewer_kind, item, project_id) if weights.text > 0 else None
    catalogue = _catalogue(project_id)
    candidates = _profiles(catalogue, project_id, other)
    excluded = set(exclude)
    if excluded:
        candidates = [candidate for candidate in candidates if candidate.id not in excluded]
    return rank(viewer, candidates, weights, text=text, labels=_labels(catalogue, project_id), limit=limit)


def recommend_for_challenge(challenge, limit: int = 10, *, weights: Weights | None = None,
                            exclude: Iterable[int] = ()) -> list[Suggestion]:
    """Initiatives for a challenge, best first (ids of :class:`.models.Initiative`); see the module docstring."""
    return _recommend(CHALLENGE, challenge, limit, weights, exclude)


def recommend_for_initiative(initiative, limit: int = 10, *, weights: Weights | None = None,
                             exclude: Iterable[int] = ()) -> list[Suggestion]:
    """Challenges for an initiative, best first (ids of :class:`.models.Challenge`); see the module docstring."""
    return _recommend(INITIATIVE, initiative, limit, weights, exclude)
