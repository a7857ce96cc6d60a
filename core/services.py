"""Domain operations shared by the web views, the CLI and the demo seeder."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .clock import now
from .extensions import db
from .models import Phase, Project, ProjectRole, User
from .sanitize import clean_html
from .timefmt import LocalTimeError, local_moment


class DomainError(ValueError):
    """A request that cannot be fulfilled; the message is meant for people."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str, display_name: str | None = None, *, is_admin: bool = False,
                confirmed: bool = True) -> User:
    """A new account; ``confirmed=False`` for self-registration, which must follow the mailed link first."""
    email = normalise_email(email)
    if find_user(email):
        raise DomainError(f"A user with the e-mail address {email} exists already.")
    user = User(email=email, display_name=display_name or email.split("@")[0], is_admin=is_admin,
                email_confirmed_at=now() if confirmed else None)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_project(slug: str, title: str, description: str = "", *, is_public: bool = True, initiator: User | None = None,
                   organisation: str = "") -> Project:
    if db.session.scalar(db.select(Project.id).where(Project.slug == slug)):
        raise DomainError(f"The short name '{slug}' is taken.")
    project = Project(slug=slug, title=title, description_html=clean_html(description), is_public=is_public,
                      organisation=(organisation or "").strip())
    db.session.add(project)
    db.session.flush()
    if initiator:
        grant_role(project, initiator, "initiator")
    return project


def grant_role(project: Project, user: User, role: str) -> ProjectRole:
    existing = db.session.scalar(
        db.select(ProjectRole).filter_by(project_id=project.id, user_id=user.id, role=role)
    )
    if existing:
        return existing
    entry = ProjectRole(project_id=project.id, user_id=user.id, role=role)
    db.session.add(entry)
    db.session.flush()
    return entry


def parse_moment(text: str) -> datetime:
    """ISO 8601 with an offset, or else a local time in the deployment's time zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise DomainError(f"'{text}' is not an ISO 8601 date and time (e.g. 2026-03-29T00:00).") from exc
    if value.tzinfo is None:
        zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
        try:
            value = local_moment(value, ZoneInfo(zone))
        except LocalTimeError as exc:
            if exc.kind == "missing":
                raise DomainError(f"'{text}' does not exist in {zone} (the clocks skip that hour); "
                                  "choose another time or give an offset, e.g. +01:00.") from None
            raise DomainError(f"'{text}' happens twice in {zone} (the clocks go back); "
                              "give an offset to say which, e.g. +02:00 or +01:00.") from None
    return value


def add_phase(project: Project, kind: str, title: str, start: datetime, end: datetime, description: str = "", settings: dict | None = None) -> Phase:
    kinds = current_app.extensions["mitsprache"].registry.phase_kinds
    if kind not in kinds:
        raise DomainError(f"Unknown phase kind '{kind}'. Available: {', '.join(sorted(kinds)) or 'none'}.")
    if end <= start:
        raise DomainError("The end must be after the start.")
    position = max((p.position for p in project.phases), default=-1) + 1
    phase = Phase(
        project=project, kind=kind, title=title, start=start, end=end,
        description_html=clean_html(description), position=position, settings=settings or {},
    )
    db.session.add(phase)
    db.session.flush()
    return phase
