"""Outgoing e-mail. In development (no ``SMTP_HOST`` configured) mail goes to the log.

Every message is also kept in a short in-memory outbox so tests and the
operator's log can find the password reset link.
"""
from __future__ import annotations

import logging
import smtplib
from collections import deque
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("mitsprache.mail")


def outbox() -> deque:
    state = current_app.extensions["mitsprache"]
    if not hasattr(state, "outbox"):
        state.outbox = deque(maxlen=50)
    return state.outbox


def send_mail(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    outbox().append(message)
    host = current_app.config.get("SMTP_HOST")
    if not host:
        log.warning("Mail to %s (no SMTP_HOST configured, so logged only):\n%s\n%s", to, subject, body)
        return
    with smtplib.SMTP(host, int(current_app.config.get("SMTP_PORT", 587))) as smtp:
        if current_app.config.get("SMTP_STARTTLS", True):
            smtp.starttls()
        if current_app.config.get("SMTP_USER"):
            smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
        smtp.send_message(message)


def open_smtp() -> smtplib.SMTP | None:
    """A connection to the configured SMTP server (None in development: mail goes to the log).

    Raises ``OSError``/``smtplib.SMTPException`` when the server cannot be reached: callers
    that must not lose mail (the notification outbox) keep it and try again later.
    """
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return None
    smtp = smtplib.SMTP(host, int(current_app.config.get("SMTP_PORT", 587)),
                        timeout=float(current_app.config.get("SMTP_TIMEOUT", 30)))
    try:
        if current_app.config.get("SMTP_STARTTLS", True):
            smtp.starttls()
        if current_app.config.get("SMTP_USER"):
            smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver_message(message: EmailMessage, smtp: smtplib.SMTP | None) -> None:
    """Hand a finished message to ``smtp`` (from :func:`open_smtp`), or to the log when there is none.

    Returns only once the server accepted it for every recipient; raises otherwise.
    """
    outbox().append(message)
    if smtp is None:
        text = message.get_body(("plain",))
        log.warning("Mail to %s (no SMTP_HOST configured, so logged only):\n%s\n%s", message["To"],
                    message["Subject"], text.get_content() if text is not None else "")
        return
    refused = smtp.send_message(message)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
