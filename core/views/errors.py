"""Friendly, localized error pages; never a stack trace. htmx gets the message in the flash area."""
from __future__ import annotations

import logging

from flask import Flask, make_response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from ..extensions import db
from ..htmx import wants_fragment

log = logging.getLogger("mitsprache.errors")


def _titles():
    return {
        400: _("The request could not be understood"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not allowed"),
        413: _("The upload is too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong"),
    }


def _messages():
    return {
        400: _("Please check your input and try again."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This address cannot be used like this."),
        413: _("Please choose a smaller file (at most 4 MB)."),
        429: _("Please wait a minute before you try again."),
        500: _("We have been notified. Please try again later; nothing you saved before is lost."),
    }


def render_error(code: int, message: str | None = None):
    title = _titles().get(code, _titles()[500])
    message = message or _messages().get(code, _messages()[500])
    if wants_fragment():
        response = make_response(render_template("errors/_message.html", code=code, title=title, message=message), code)
        # Show the message in the page's flash area instead of replacing the widget.
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return make_response(render_template("errors/error.html", code=code, title=title, message=message), code)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("The form has expired or was sent from elsewhere. Please reload the page and try again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        """A request for a host this site is not (``base_url``): no page, since no link can be built for it."""
        response = make_response(_("This site is not served under this address.") + "\n", 400)
        response.mimetype = "text/plain"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:
            return error.response
        message = None
        # Only show descriptions we wrote ourselves (abort(403, reason)), not Werkzeug's English defaults.
        # 429: Flask-Limiter's description is the limit itself ("3 per 1 minute"), not words for people.
        if error.description and error.description != type(error).description and error.code != 429:
            message = error.description
        return render_error(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(500)
