"""The operator's imprint (Impressum) and privacy notice (Datenschutzerklärung), linked in every page's footer.

A deployment either links to the pages on its own website (``imprint_url``,
``privacy_url``) or writes them into its config (``imprint_html``,
``privacy_html``, sanitized like any rich text), served at ``/impressum`` and
``/datenschutz``. Those two paths always lead to the notice: they redirect to
the configured address, so a link to ``/datenschutz`` (in a mail, on a poster)
never breaks when the operator moves the text. Unset, they are 404 and the
footer shows no link.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from ..sanitize import clean_html

bp = Blueprint("legal", __name__)

#: page key -> (path, heading)
PAGES = {"imprint": ("/impressum", _l("Imprint")), "privacy": ("/datenschutz", _l("Privacy"))}


def legal_href(page: str) -> str | None:
    """Where the footer links for ``page`` ("imprint" or "privacy"), or None when the deployment has none."""
    config = current_app.config
    if config.get(f"{page.upper()}_URL"):
        return config[f"{page.upper()}_URL"]
    if config.get(f"{page.upper()}_HTML"):
        return url_for(f"legal.{page}")
    return None


def _page(page: str):
    config = current_app.config
    if config.get(f"{page.upper()}_URL"):
        return redirect(config[f"{page.upper()}_URL"])
    html = config.get(f"{page.upper()}_HTML")
    if not html:
        abort(404)
    return render_template("legal/page.html", heading=PAGES[page][1], body=clean_html(html))


@bp.get("/impressum")
def imprint():
    return _page("imprint")


@bp.get("/datenschutz")
def privacy():
    return _page("privacy")


@bp.app_context_processor
def legal_links():
    """``imprint_href`` and ``privacy_href`` for the footer and the registration form."""
    return {"imprint_href": legal_href("imprint"), "privacy_href": legal_href("privacy")}
