"""The e-mails: one notification, or a day's digest grouped by project; text and HTML, in the reader's language.

Every message carries the site's name, links built from ``base_url``
(:func:`core.security.external_url`), a link to the notification settings and
one-click unsubscribe links (RFC 8058: ``List-Unsubscribe`` with
``List-Unsubscribe-Post``, so mail programs offer an "Unsubscribe" button that
works without logging in). The ``Message-ID`` is derived from the outbox row,
so should a message ever be handed over twice (see :mod:`.delivery`), mail
programs show it once.
"""
from __future__ import annotations

from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_date
from email.utils import formataddr
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale, ngettext

from ..account_tokens import make_token
from ..security import external_url
from .models import ALL_KINDS

UNSUBSCRIBE = "notifications-unsubscribe"


def unsubscribe_token(user_id: int, kind: str = ALL_KINDS) -> str:
    """A signed token that turns off e-mails of ``kind`` (``"*"``: all) for the user, without logging in."""
    return make_token(UNSUBSCRIBE, {"uid": user_id, "kind": kind})


def unsubscribe_url(user_id: int, kind: str = ALL_KINDS) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))


def absolute(path: str | None) -> str | None:
    """A site path stored with a notification as an absolute link (base_url + path)."""
    if not path or not path.startswith("/") or path.startswith("//"):
        return None
    base = current_app.config.get("BASE_URL")
    if base:
        return base + path
    from flask import request

    return request.host_url.rstrip("/") + path


def entry(notification, kinds) -> dict:
    """What a template shows of one notification: its sentence, link, time and project."""
    kind = kinds.get(notification.kind)
    text = kind.text(notification) if kind else notification.kind
    return {"notification": notification, "text": text, "url": (notification.payload or {}).get("url"),
            "project": notification.project}


def grouped(entries: list[dict]) -> list[tuple[object, list[dict]]]:
    """Entries grouped by project (in order of first appearance); entries without a project last."""
    groups: dict = {}
    for item in entries:
        groups.setdefault(item["project"].id if item["project"] is not None else None, []).append(item)
    ordered = [key for key in groups if key is not None] + ([None] if None in groups else [])
    return [(groups[key][0]["project"], groups[key]) for key in ordered]


def _sender() -> str:
    return formataddr((current_app.config["SITE_NAME"], current_app.config["MAIL_SENDER"]))


def _message_id(delivery) -> str:
    host = urlsplit(current_app.config.get("BASE_URL") or "").hostname or "mitsprache.localhost"
    return f"<delivery.{delivery.id}.{int(delivery.created_at.timestamp())}@{host}>"


@contextmanager
def url_context():
    """Where links are built outside a request (the worker): a request context on ``base_url``."""
    from flask import has_request_context

    if has_request_context():
        yield
        return
    base = current_app.config.get("BASE_URL") or "http://localhost"
    with current_app.test_request_context("/", base_url=base):
        yield


def compose(delivery, user, notifications: list, kinds: dict) -> EmailMessage:
    """The message for one outbox row: ``notifications`` is one (immediate) or several (a digest)."""
    with url_context():
        return _compose(delivery, user, notifications, kinds)


def _compose(delivery, user, notifications: list, kinds: dict) -> EmailMessage:
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        entries = [entry(n, kinds) for n in notifications]
        for item in entries:
            item["link"] = absolute(item["url"])
        digest = delivery.digest_key is not None
        site = current_app.config["SITE_NAME"]
        if digest:
            subject = ngettext("%(site)s: %(num)d new notification today", "%(site)s: %(num)d new notifications today",
                               len(entries), site=site)
            kind_name = ALL_KINDS
        else:
            subject = f"{site}: {entries[0]['text']}"
            kind_name = notifications[0].kind
        if len(subject) > 150:
            subject = subject[:149] + "…"
        kind_label = kinds[kind_name].label if kind_name in kinds else ""
        context = {
            "user": user, "site_name": site, "digest": digest, "groups": grouped(entries), "entries": entries,
            "settings_url": external_url("notifications.settings"),
            "inbox_url": external_url("notifications.inbox"),
            "unsubscribe_kind_url": None if digest else unsubscribe_url(user.id, kind_name),
            "unsubscribe_all_url": unsubscribe_url(user.id), "kind_label": kind_label,
        }
        text = render_template("notifications/email.txt", **context)
        html = render_template("notifications/email.html", **context)
        unsubscribe = context["unsubscribe_kind_url"] or context["unsubscribe_all_url"]

    message = EmailMessage()
    message["From"] = _sender()
    message["To"] = user.email
    message["Subject"] = subject
    message["Date"] = rfc2822_date(delivery.created_at)
    message["Message-ID"] = _message_id(delivery)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
