"""A person's data as a ZIP file: their right of access and to data portability (DSGVO Art. 15 and 20).

The archive holds two files:

- ``data.json``: the account (every column of ``core_user`` but the password
  hash), the person's roles, the projects they follow, their notifications and
  notification choices, and every contribution of every enabled plugin
  (``user_contributions`` hook) with all its stored fields: machine-readable,
  to take elsewhere;
- ``index.html``: the same for people, in their language, readable offline.

What is *not* in it, because it is not stored with the account or not at all:
see docs/privacy.md (server logs, rate-limit counters, mail logs).
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from flask import current_app, has_request_context, render_template, request
from sqlalchemy import select

from .clock import now
from .extensions import db
from .following import followed_projects
from .models import Project, ProjectRole
from .notifications.models import Notification, NotificationPreference
from .participation import by_project, contributions_of

#: Columns of ``core_user`` that are secrets, not data about the person.
SECRET_COLUMNS = frozenset({"password_hash", "session_version"})


def _json_value(value: Any) -> Any:
    """Datetimes in ISO 8601; lazy translations and other objects as their text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _project(project: Any) -> dict[str, Any] | None:
    if project is None:
        return None
    return {"id": project.id, "slug": project.slug, "title": project.title}


def _absolute(url: str | None) -> str | None:
    """Links in the download work outside the site too: ``base_url`` (or this request's host) + the path."""
    if not url:
        return url
    base = current_app.config.get("BASE_URL") or (request.url_root if has_request_context() else "")
    return urljoin(base.rstrip("/") + "/", url) if base else url


def personal_data(user: Any, contributions: list | None = None) -> dict[str, Any]:
    """Everything stored about ``user``, as one dict for ``data.json`` (see the module docstring).

    ``contributions`` are those of :func:`core.participation.contributions_of`, if already at hand.
    """
    account = {column.name: getattr(user, column.key)
               for column in user.__table__.columns if column.name not in SECRET_COLUMNS}
    roles = db.session.execute(
        select(Project, ProjectRole.role).join(ProjectRole, ProjectRole.project_id == Project.id)
        .where(ProjectRole.user_id == user.id).order_by(Project.title, ProjectRole.role)
    ).all()
    if contributions is None:
        contributions = contributions_of(user)
    notifications = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    choices = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id).order_by(NotificationPreference.kind)
    )
    return {
        "site": current_app.config.get("SITE_NAME"),
        "exported_at": now(),
        "account": account,
        "roles": [{"project": _project(project), "role": role} for project, role in roles],
        "following": [_project(project) for project in followed_projects(user)],
        "notifications": [
            {"kind": n.kind, "project_id": n.project_id, "created_at": n.created_at, "read_at": n.read_at,
             "email": n.email, "payload": n.payload}
            for n in notifications
        ],
        "notification_settings": dict(choices.all()),
        "contributions": [
            {"kind": c.kind, "label": str(c.label), "plugin": c.plugin, "project": _project(c.project),
             "title": c.title, "url": _absolute(c.url), "created_at": c.created_at, "data": c.data}
            for c in contributions
        ],
    }


def data_archive(user: Any) -> bytes:
    """The ZIP file (``data.json`` and ``index.html``) with everything stored about ``user``."""
    contributions = contributions_of(user)
    data = personal_data(user, contributions)
    text = json.dumps(data, default=_json_value, ensure_ascii=False, indent=2)
    contributions = [replace(c, url=_absolute(c.url)) for c in contributions]
    page = render_template("account/data_export.html", data=data, groups=by_project(contributions),
                           roles=data["roles"], following=data["following"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", text)
        archive.writestr("index.html", page)
    return buffer.getvalue()
