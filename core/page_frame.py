"""The site's frame around a logged-in reader's page, rendered once per kind of reader and filled per person.

Everything around a page's content (head, site header, navigation, search,
footer, language switch) is the same for every logged-in reader with the same
language, the same admin flag and the same URL, except three things: the
reader's name, their unread count and their CSRF token. Rendering that frame
through ``layout.html`` was a fifth of a cached chapter page's cost for a
logged-in reader, so :func:`render_page` renders it once with marks where those
three things and the page's title and content go, keeps it in ``core.cache``
as the list of its literal parts, and per request joins the parts with the
reader's values::

    return render_page("commenting/chapter.html", title=title, main=main)

The page template must extend ``layout.html`` and show nothing but ``title``
and ``main`` (and static things: a script in ``head``); ``main`` is the page's
content, already rendered for this reader. While the frame is rendered,
``current_user`` in the template is a :class:`FrameReader`: it says whether the
reader is logged in and an admin, and gives a mark for the name; anything else
about the person is undefined (empty), so a theme's layout that showed, say,
the e-mail address cannot put one person's address into everyone's frame.
``csrf_token()`` gives a mark, and the unread count comes from
``unread_notifications()``, which gives one too.

The marks contain a NUL character, which no stored or submitted text can
contain (``core/input_checks.py``), and the frame is split at them when it is
stored: the title and content are joined in as they are, never searched for
marks, so they cannot forge one. A page with flashed messages is rendered
whole (the messages belong to one person). Anonymous readers get the whole
page, which ``core.cache.anonymous_page`` caches as it is. The frame's key
holds the release (code and templates), the language, the URL and the
deployment's settings the layout shows; it holds no data version, because
the frame shows no data.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .cache import cache, release

log = logging.getLogger(__name__)

#: The holes of a frame: what :func:`_values` fills in per request.
TITLE, MAIN, NAME, UNREAD, CSRF = (f"\x00frame:{hole}\x00" for hole in ("title", "main", "name", "unread", "csrf"))
_HOLES = (TITLE, MAIN, NAME, UNREAD, CSRF)
#: In ``g`` while a frame is being rendered: template helpers give marks instead of the reader's values.
_FRAMING = "_mitsprache_framing"


@dataclass(frozen=True)
class FrameReader:
    """What a frame may know of the reader (``current_user`` while it is rendered): no personal data but a mark."""

    is_admin: bool
    is_authenticated: bool = True
    is_anonymous: bool = False
    display_name: Markup = Markup(NAME)


def framing() -> bool:
    """True while a frame is being rendered (template helpers give marks then)."""
    return bool(g.get(_FRAMING))


def render_page(template: str, *, title: str, main: str) -> str:
    """``template`` around ``main`` with ``title``: for a logged-in reader from their kind of reader's frame."""
    title, main = Markup(title), Markup(main)
    if not getattr(current_user, "is_authenticated", False) or not title or session.get("_flashes"):
        return render_template(template, title=title, main=main)
    key = "frame:" + repr((template, request.full_path, request.endpoint, str(get_locale()), release(),
                           bool(current_user.is_admin), _settings()))
    parts = cache.get(key)
    if parts is None:
        parts = _render_frame(template)
        if parts is None:
            return render_template(template, title=title, main=main)
        cache.set(key, parts)
    values = _values(title, main)
    return "".join(values.get(part, part) for part in parts)


def _render_frame(template: str) -> tuple[str, ...] | None:
    """The frame with its holes, as alternating literal parts and holes (NUL-separated marks split once here)."""
    g.setdefault(_FRAMING, True)
    try:
        # Passed explicitly: the context beats context processors (Flask-Login's current_user, Flask-WTF's csrf_token).
        html = render_template(template, title=Markup(TITLE), main=Markup(MAIN), csrf_token=csrf_token,
                               current_user=FrameReader(is_admin=bool(current_user.is_admin)))
    finally:
        g.pop(_FRAMING, None)
    if generate_csrf() in html:  # a helper bypassed the marks: this frame belongs to one person
        log.error("%s: the page frame holds the reader's CSRF token instead of its mark; not shared", template)
        return None
    parts: list[str] = []
    for index, piece in enumerate(html.split("\x00")):
        if index % 2:  # between two NULs: the name of a hole
            hole = f"\x00{piece}\x00"
            if hole not in _HOLES:
                log.error("%s: unknown mark %r in the page frame; not shared", template, piece)
                return None
            parts.append(hole)
        else:
            parts.append(piece)
    return tuple(parts)


def _values(title: Markup, main: Markup) -> dict[str, str]:
    """What the holes hold for this request's reader."""
    return {
        TITLE: str(title),
        MAIN: str(main),
        NAME: str(escape(current_user.display_name)),
        UNREAD: str(_unread_link()),
        CSRF: generate_csrf(),
    }


def _settings() -> tuple:
    """The deployment's settings that ``layout.html`` shows: part of a frame's key (a shared cache may outlive them)."""
    config = current_app.config
    return (*(str(config.get(name) or "") for name in ("SITE_NAME", "IMPRINT_URL", "PRIVACY_URL", "THEME")),
            bool(config.get("IMPRINT_HTML")), bool(config.get("PRIVACY_HTML")))


def _unread_link() -> Markup:
    """The header's link to the inbox with the reader's unread count (``notifications/_count.html``)."""
    from .notifications.views import header_count

    unread = header_count()
    # The same few dozen answers for everyone (a language and a number): rendered once each.
    key = "unread-link:" + repr((str(get_locale()), release(), request.script_root, unread))
    html = cache.get(key)
    if html is None:
        html = current_app.jinja_env.get_template("notifications/_count.html").render(unread=unread, oob=False)
        cache.set(key, html)
    return Markup(html)


def unread_notifications() -> Markup:
    """``{{ unread_notifications() }}`` in the layout: the inbox link with the count, or its mark in a frame."""
    return Markup(UNREAD) if framing() else _unread_link()


def csrf_token() -> str:
    """``{{ csrf_token() }}`` in templates: the reader's token (Flask-WTF), or its mark in a frame."""
    return CSRF if framing() else generate_csrf()


def init_app(app) -> None:
    """Make ``csrf_token()`` and ``unread_notifications()`` frame-aware (after Flask-WTF registered its global)."""
    app.add_template_global(csrf_token, "csrf_token")
    app.add_template_global(unread_notifications, "unread_notifications")
