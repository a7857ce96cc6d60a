"""Generated input to every route that takes a form or a query string: the answer is never a 5xx.

Each route comes from the app's URL map, so a route added tomorrow is fuzzed
too. Its URL is filled with real ids of the demo site and with extreme ones
(2^63, 10^30, negative, text); its form starts from plausible values for every
field any form of the app has, of which some are left out and some replaced by
hostile input: huge and negative numbers, empty and very long strings, NUL
bytes, unicode, several values for one field. GET routes get generated query
strings. Everything is sent as a visitor, a participant, a moderator and an
initiator, with and without htmx; the site admin's own pages (``admin.*``) as
the site admin (elsewhere an admin reaches what an initiator does).

A 4xx is a fine answer to nonsense; a 5xx means a crash (the traceback is in
the failure message). The run is bounded: ``EXAMPLES_PER_ROUTE`` examples per
route and role, no deadline (the first request of a page compiles templates).
Set ``MITSPRACHE_FUZZ_EXAMPLES`` to fuzz longer locally.
"""
from __future__ import annotations

import importlib
import io
import logging
import os
import re
import traceback
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from core.extensions import db
from core.numbers import MAX_ID

EXAMPLES_PER_ROUTE = int(os.environ.get("MITSPRACHE_FUZZ_EXAMPLES", "4"))

ROLES = ["anonymous", "participant", "moderator", "initiator", "admin"]
ROLE_USER = {"participant": "anna", "moderator": "moderator", "initiator": "initiator", "admin": "admin"}

#: Numbers at the edges of what the databases and Python handle.
EXTREME_INTS = [0, 1, -1, MAX_ID, MAX_ID + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1]

NASTY_STRINGS = [
    "", " ", "\x00", "a\x00b", "\r\n", "\t", "’", "😀", "ß" * 3, "١٢٣", "²", "1e309", "NaN", "-0", "0x10",
    "<script>alert(1)</script>", "../../etc/passwd", "%00", "null", "true", "[]", "{}", "'; DROP TABLE x; --",
    "\u202e", "\ufeff", "x" * 5000,
]

#: Query string keys the views read (request.args); other keys are harmless noise.
QUERY_KEYS = ["page", "sort", "q", "category", "after", "focus", "next", "email", "format", "kind"]

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")

#: Where each URL parameter's real values come from: models ("module:Class") with ``id`` and ``project_id``.
ID_SOURCES = {
    "comment_id": ["plugins.comments.models:Comment"],
    "document_id": ["plugins.commenting.models:Document"],
    "chapter_id": ["plugins.commenting.models:Chapter"],
    "paragraph_id": ["plugins.commenting.models:Paragraph"],
    "idea_id": ["plugins.ideas.models:Idea"],
    "category_id": ["plugins.ideas.models:Category"],
    "phase_id": ["core.models:Phase"],
    "role_id": ["core.models:ProjectRole"],
    "item_id": ["plugins.ideas.models:Idea", "plugins.matchmaking.models:Organisation",
                "plugins.matchmaking.models:Challenge", "plugins.matchmaking.models:Initiative"],
    "target_id": ["plugins.commenting.models:Paragraph", "plugins.commenting.models:Chapter",
                  "plugins.ideas.models:Idea", "plugins.matchmaking.models:Organisation",
                  "plugins.matchmaking.models:Challenge", "plugins.matchmaking.models:Initiative"],
    "interest_id": ["plugins.matchmaking.models:Interest"],
    "introduction_id": ["plugins.matchmaking.models:Introduction"],
    "connection_id": ["plugins.matchmaking.models:Connection"],
    "wish_id": ["plugins.matchmaking.models:Wish"],
    "field_id": ["plugins.matchmaking.models:Field"],
    "report_id": ["plugins.matchmaking.models:Report"],
}


def _model(source: str):
    """The model class named "module:Class", or None when that plugin is not installed."""
    module, _sep, name = source.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        return None


@dataclass(frozen=True)
class Route:
    """One method of one rule of the URL map."""

    endpoint: str
    rule: str
    method: str

    @property
    def params(self) -> list[tuple[str, str, list[str]]]:
        """(converter, name, the values an ``any(…)`` converter allows) of each URL parameter."""
        return [(m["converter"] or "default", m["name"], re.findall(r"\w+", m["args"] or ""))
                for m in ROUTE_PARAM.finditer(self.rule)]

    def url(self, values: dict[str, str]) -> str:
        """The rule with ``values`` filled in, quoted as a browser would (a ``path`` keeps its slashes)."""

        def fill(match):
            safe = "/" if match["converter"] == "path" else ""
            return quote(values[match["name"]], safe=safe)

        return ROUTE_PARAM.sub(fill, self.rule)


def routes_of(app) -> list[Route]:
    """Every POST route, and every GET route (fuzzed through its query string), from the URL map."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in ("POST", "PUT", "PATCH", "DELETE", "GET"):
            if method in rule.methods:
                found.append(Route(rule.endpoint, rule.rule, method))
    # Destructive routes last, so the others still find the content they act on.
    return sorted(found, key=lambda r: (any(w in r.endpoint for w in ("delete", "remove")), r.method == "GET", r.rule))


def form_field_names() -> set[str]:
    """The name of every field of every form class the app (core and plugins) defines."""
    from flask_wtf import FlaskForm

    names, todo = set(), [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        names.update(name for name in dir(cls) if isinstance(getattr(cls, name, None), UnboundField))
    return names


class Pools:
    """Real values from the site's database: ids per URL parameter and project, slugs, poll questions."""

    def __init__(self, app):
        from core.models import Phase, Project
        from plugins.ideas.models import Category
        from plugins.voting.models import Question

        with app.app_context():
            projects = {p.id: p.slug for p in db.session.scalars(db.select(Project))}
            self.slugs = sorted(projects.values())
            self.ids: dict[str, dict[str, list[int]]] = {}
            for name, sources in ID_SOURCES.items():
                by_slug: dict[str, list[int]] = {}
                for model in filter(None, map(_model, sources)):
                    for ident, project_id in db.session.execute(db.select(model.id, model.project_id)):
                        by_slug.setdefault(projects[project_id], []).append(ident)
                self.ids[name] = by_slug
            self.ids["question_id"] = {}
            self.answers: dict[str, list[str]] = {}
            for question in db.session.scalars(db.select(Question)):
                slug = projects[question.poll.project_id]
                self.ids["question_id"].setdefault(slug, []).append(question.id)
                self.answers[f"q{question.id}"] = [str(o.id) for o in question.options] or ["A text answer"]
            self.categories = [str(i) for i in db.session.scalars(db.select(Category.id))]
            self.phase_kinds: dict[str, set[str]] = {}
            for project_id, kind in db.session.execute(db.select(Phase.project_id, Phase.kind)):
                self.phase_kinds.setdefault(projects[project_id], set()).add(kind)
        self.kinds_of_plugin: dict[str, set[str]] = {}
        for kind in app.extensions["mitsprache"].registry.phase_kinds.values():
            self.kinds_of_plugin.setdefault(kind.plugin, set()).add(kind.name)
        # A built-in plugin's blueprints live in plugins.<name>.…
        self.plugin_of_blueprint = {name: blueprint.import_name.split(".")[1] for name, blueprint in app.blueprints.items()
                                    if blueprint.import_name.startswith("plugins.")}
        self.comments = [str(i) for ids in self.ids["comment_id"].values() for i in ids]

    def home_slugs(self, endpoint: str) -> list[str]:
        """Slugs of the projects with a phase of a kind that the plugin owning ``endpoint`` offers."""
        kinds = self.kinds_of_plugin.get(self.plugin_of_blueprint.get(endpoint.rpartition(".")[0]), set())
        return sorted(slug for slug, phase_kinds in self.phase_kinds.items() if phase_kinds & kinds)

    def ids_for(self, name: str, slug: str) -> list[int]:
        by_slug = self.ids.get(name, {})
        return by_slug.get(slug) or [i for ids in by_slug.values() for i in ids]


def plausible_values(pools: Pools, tokens: list[str]) -> dict[str, list]:
    """For each form field, values a real form might send (so validation passes and deeper code runs)."""
    return {
        "text": ["A thoughtful comment about this.", "Short"],
        "token": ["3f0c8c1e-6a55-4c1b-9c9e-2f0d8b7c1a11", ""],
        "parent_id": pools.comments[:3] + [""],
        "next": ["/", "/p/kiezfonds"],
        "shown": ["newest:1", "oldest:2"],
        "reason": ["spam", "Insult"],
        "remark": ["Please stay on topic."],
        "action": ["hide", "restore", "dismiss"],
        "ids": [pools.comments[:2]],
        "value": ["1", "-1", "0", "agree", "disagree"],
        "title": ["A good title", "Neuer Titel"],
        "description": ["<p>What this is about.</p>"],
        "preamble": ["An *introduction*."],
        "location": ["Marktplatz", ""],
        "category": pools.categories[:3],
        "move_to": pools.categories[:3],
        "name": ["A new category"],
        "slug": ["fuzzed-project", "klimastrategie-2030"],
        "is_public": ["y", ""],
        "kind": ["commenting", "ideas", "rating", "poll", "single", "multiple", "text"],
        "start": ["2026-03-29T10:00", "2026-04-01T00:00"],
        "end": ["2026-04-29T10:00", "2026-04-02T00:00"],
        "email": ["anna@example.org", "new-person@example.org"],
        "password": ["password-anna", "a new long password"],
        "password_again": ["a new long password"],
        "display_name": ["Fuzzy Person"],
        "accept_terms": ["y"],
        "remember": ["y", ""],
        "locale": ["de", "en", ""],
        "role": ["moderator", "initiator", "member"],
        "help": ["A hint"],
        "required": ["y", ""],
        "options": ["Yes\nNo", "One\nTwo\nThree"],
        "min_choices": ["0", "1"],
        "max_choices": ["0", "2"],
        "max_length": ["200"],
        "intro": ["Please answer."],
        "expected": ["0", "3"],
        "file": [b"# A title\n\n## Chapter\n\nA paragraph.\n", b"# Only a title\n", b"# T\n\n## C\n\nA\x00B\n",
                 b"\xff\xfe not UTF-8", b"\t" * 3000],
        "s_rating_mode": ["support", "updown"],
        "s_rating_max_votes": ["0", "3"],
        **pools.answers,
        "_tokens": tokens,
    }


def nasty_text(longest: int = 70_000):
    """Hostile text: edge-case strings, random unicode, numbers at the edges, long runs of one character."""
    return st.one_of(
        st.sampled_from(NASTY_STRINGS),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
        st.sampled_from(EXTREME_INTS).map(str),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.builds(lambda char, n: char * n, st.sampled_from(["a", "\x00", "<", "ü", "9"]), st.integers(300, longest)),
    )


def url_text():
    """Hostile URL segments; 2,000 characters are as long as browsers and proxies let URLs be."""
    return nasty_text(longest=2000)


#: Built once: hypothesis strategies are cheap to draw from, not to build.
HOSTILE = st.one_of(nasty_text(), st.lists(nasty_text(), min_size=2, max_size=4))
URL_TEXT = url_text()


def as_form_value(value):
    """Bytes become an uploaded file (a fresh stream for each request)."""
    if isinstance(value, bytes):
        return (io.BytesIO(value), "upload.md")
    if isinstance(value, list):
        return [as_form_value(v) for v in value]
    return value


class CrashLog(logging.Handler):
    """Keeps the tracebacks the app's error handler logs, to show with a failing request."""

    def __init__(self):
        super().__init__()
        self.tracebacks: list[str] = []

    def emit(self, record):
        if record.exc_info:
            self.tracebacks.append("".join(traceback.format_exception(*record.exc_info)))


@pytest.fixture
def crash_log():
    """The app's logged tracebacks during the test."""
    handler = CrashLog()
    logger = logging.getLogger("mitsprache.errors")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # 70,000-character inputs, on purpose
@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_a_server_error(demo_site, login, role, crash_log):
    app, world = demo_site
    user = getattr(world.users, ROLE_USER[role]) if role in ROLE_USER else None
    fields = sorted(form_field_names())
    tokens = _tokens(app, world.users.ben.id)
    field_names = sorted(set(fields) | {"ids", "value", "shown", "expected"})
    failures = []
    for route in routes_of(app):
        if role == "admin" and not route.endpoint.startswith("admin."):
            continue
        pools = Pools(app)  # again for each route: an earlier one may have deleted or renamed things
        plausible = plausible_values(pools, tokens)
        names = field_names + sorted(pools.answers)
        try:
            fuzz_route(app, login, user, route, pools, plausible, names, crash_log)
        except AssertionError as failure:  # go on: one run names every crashing route
            failures.append(str(failure))
    assert not failures, "\n\n".join(failures)


def fuzz_route(app, login, user, route, pools, plausible, names, crash_log):
    """Send ``EXAMPLES_PER_ROUTE`` generated requests to ``route``; fail on the first 5xx."""
    # One client per route (a fresh one costs a page load for its CSRF token), except where an
    # example may log out or in as someone else.
    client = login(app, user)
    renew = route.endpoint.startswith("auth.")
    who = user.name if user else "anonymous"

    # No shrinking: the failure message already names the route, the input and the traceback, and
    # shrinking a whole form request by request would take minutes per crashing route.
    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(values=url_values(route, pools, plausible), htmx=st.booleans(),
           sent=query_values() if route.method == "GET" else form_values(names, plausible))
    def send(values, htmx, sent):
        nonlocal client
        if renew:
            client = login(app, user)
        crash_log.tracebacks.clear()
        url = route.url(values)
        headers = {"HX-Request": "true"} if htmx else {}
        if route.method == "GET":
            response = client.open(url, method="GET", query_string=sent, headers=headers)
        else:
            payload = {name: as_form_value(value) for name, value in sent.items()}
            response = client.open(url, method=route.method, data=payload, headers=headers,
                                   content_type="multipart/form-data")
        response.close()  # files (theme, static) are streamed: close them
        crashed = crash_log.tracebacks[-1] if crash_log.tracebacks else "(no traceback logged)"
        assert response.status_code < 500, (
            f"{route.method} {url if len(url) < 200 else url[:200] + '…'} ({route.endpoint}) answered "
            f"{response.status_code} as {who}; sent {shortened(sent)}\n{crashed}"
        )

    send()


def shortened(sent: dict) -> dict:
    """The sent fields for a failure message, long values cut to their start and length."""
    return {k: v if not isinstance(v, str | bytes) or len(v) < 200 else f"{v[:20]!r}… ({len(v)} long)"
            for k, v in sent.items()}


def query_values():
    """A query string of up to four keys the views read, with ordinary or hostile values."""
    return st.dictionaries(st.sampled_from(QUERY_KEYS), st.one_of(st.sampled_from(["1", "2", "newest", "x"]), HOSTILE),
                           max_size=4)


def form_values(names: list[str], plausible: dict[str, list]):
    """One variant of the plausible form, with a few fields left out and a few made hostile."""
    filled = [name for name in names if plausible.get(name)]

    def build(variant, missing, hostile):
        form = {name: plausible[name][variant % len(plausible[name])] for name in filled if name not in missing}
        form.update(hostile)
        return form

    return st.builds(build, st.integers(0, 3), st.sets(st.sampled_from(names), max_size=6),
                     st.lists(st.tuples(st.sampled_from(names), HOSTILE), max_size=4))


def url_values(route: Route, pools: Pools, plausible):
    """Real values that fit together (ids of the chosen project) or extreme ones."""
    if not route.params:
        return st.just({})

    def for_slug(slug: str | None):
        parts = {}
        for converter, name, allowed in route.params:
            if name == "slug":
                parts[name] = st.just(slug) if slug is not None else URL_TEXT
            elif converter == "int":
                real = pools.ids_for(name, slug) or [1]
                parts[name] = st.one_of(st.sampled_from(real), st.sampled_from(EXTREME_INTS)).map(str)
            else:
                words = allowed or URL_WORDS.get(name, URL_WORDS["*"])
                parts[name] = st.one_of(st.sampled_from(words + plausible["_tokens"]), URL_TEXT)
        return st.fixed_dictionaries(parts)

    if not any(name == "slug" for _converter, name, _allowed in route.params):
        return for_slug(None)
    by_slug = {slug: for_slug(slug) for slug in pools.slugs}
    # A third of the examples go to projects where the route's plugin runs a phase (elsewhere its pages are 404s).
    home = pools.home_slugs(route.endpoint)
    choices = [st.sampled_from(home).flatmap(by_slug.__getitem__)] if home else []
    return st.one_of(*choices, st.sampled_from(pools.slugs).flatmap(by_slug.__getitem__), for_slug(None))


#: Real words for URL parameters that are not ids or slugs.
URL_WORDS = {
    "direction": ["up", "down"],
    "target_type": ["paragraph", "chapter", "idea", "challenge", "initiative", "organisation"],
    "target_kind": ["challenge", "initiative", "organisation"],
    "item_type": ["idea", "paragraph", "challenge", "initiative"],
    "key": ["comments", "ideas", "votes"],
    "fmt": ["csv", "xlsx"],
    "plugin": ["comments", "commenting", "ideas", "voting"],
    "*": ["style.css", "x" * 300, "a/" * 200],
}


def _tokens(app, user_id: int) -> list[str]:
    """A valid password-reset and a valid address-confirmation token of one user (the mailed links)."""
    from core.account_tokens import CONFIRM, RESET, make_token, password_fingerprint
    from core.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        payload = {"uid": user.id, "h": password_fingerprint(user)}
        return [make_token(RESET, payload), make_token(CONFIRM, payload)]


# ---------------------------------------------------------------------------
# The crashes the fuzzer found, kept as plain examples (each was a 500)
# ---------------------------------------------------------------------------


def _first_comment(app, slug: str):
    from core.models import Project
    from plugins.comments.models import Comment

    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        comment = db.session.scalars(db.select(Comment).where(Comment.project_id == project.id,
                                                              Comment.parent_id.is_(None)).order_by(Comment.id)).first()
        return comment.id, comment.target_type, comment.target_id


@pytest.mark.parametrize("number", [MAX_ID + 1, 2**63, 10**30])
def test_an_id_no_column_can_hold_is_not_found(demo_site, login, number):
    app, world = demo_site
    client = login(app, world.users.moderator)
    assert client.get(f"/comments/c/{number}").status_code == 404
    assert client.post(f"/comments/c/{number}/hide", data={"reason": "x"}).status_code == 404
    assert client.get(f"/p/{world.slugs.ideas}/ideas/{number}").status_code == 404
    assert client.get(f"/comments/c/{MAX_ID}").status_code == 404  # the largest id: simply none there


def test_numbers_in_forms_and_query_strings_beyond_any_id(demo_site, login):
    app, world = demo_site
    comment_id, target_type, target_id = _first_comment(app, world.slugs.draft)
    anna = login(app, world.users.anna)
    huge = str(2**63)
    reply = anna.post(f"/comments/{target_type}/{target_id}", data={"text": "Hi", "parent_id": huge})
    assert reply.status_code == 404
    assert anna.get(f"/comments/{target_type}/{target_id}?page={huge}").status_code == 200
    more = anna.get(f"/comments/{target_type}/{target_id}/more?page={huge}&after={huge}", headers={"HX-Request": "true"})
    assert more.status_code == 200
    assert anna.get(f"/p/{world.slugs.ideas}/ideas?page={huge}&category={huge}").status_code == 200
    moderator = login(app, world.users.moderator)
    bulk = moderator.post(f"/p/{world.slugs.draft}/comments/moderation/bulk",
                          data={"ids": [huge, str(comment_id)], "action": "dismiss"})
    assert bulk.status_code == 302  # the impossible id is ignored, the real one handled


def test_a_poll_question_saved_without_options_is_a_form_error(demo_site, login):
    from plugins.voting.models import Poll, Question

    app, world = demo_site
    with app.app_context():
        question_id = db.session.scalar(
            db.select(Question.id).join(Poll).join(Poll.project).where(Poll.project.has(slug=world.slugs.poll_draft))
            .order_by(Question.position)
        )
    client = login(app, world.users.initiator)
    response = client.post(f"/p/{world.slugs.poll_draft}/poll/questions/{question_id}",
                           data={"text": "Wie oft?", "kind": "single", "required": "y"})
    assert response.status_code == 400
    assert "Please enter at least two options, one per line." in response.get_data(as_text=True)


def test_a_theme_file_name_too_long_for_the_file_system_is_not_found(demo_site, login):
    app, world = demo_site
    response = login(app).get("/theme/" + "a" * 300)
    assert response.status_code == 404


def test_a_nul_character_is_refused_before_any_query(demo_site, login):
    app, world = demo_site
    comment_id, target_type, target_id = _first_comment(app, world.slugs.draft)
    anna = login(app, world.users.anna)
    assert anna.get("/p/a%00b").status_code == 400
    assert anna.get(f"/p/{world.slugs.ideas}/ideas?q=a%00b").status_code == 400
    assert anna.post(f"/comments/{target_type}/{target_id}", data={"text": "a\x00b"}).status_code == 400
    assert anna.post(f"/comments/{target_type}/{target_id}", data={"text": "a b"}).status_code == 302


def test_a_phase_saved_without_its_start_is_a_form_error(demo_site, login):
    from core.models import Phase, Project

    app, world = demo_site
    with app.app_context():
        phase_id = db.session.scalar(db.select(Phase.id).join(Project).where(Project.slug == world.slugs.draft))
    client = login(app, world.users.initiator)
    response = client.post(f"/p/{world.slugs.draft}/manage/phases/{phase_id}",
                           data={"kind": "commenting", "title": "Kommentierung", "end": "2026-04-29T10:00"})
    assert response.status_code == 400
