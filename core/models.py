"""Core tables: users, projects, project roles and phases. Plugins own the rest.

Times are stored in UTC (see :class:`core.types.UTCDateTime`) and shown in the
deployment's time zone. Whether a phase is upcoming, active or ended is never
stored: it is computed from the injectable clock (:mod:`core.clock`).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .clock import now
from .extensions import db
from .types import UTCDateTime


class Role(StrEnum):
    """Per-project roles. Site admins (``User.is_admin``) may do everything."""

    INITIATOR = "initiator"  # manages the project, its phases, exports
    MODERATOR = "moderator"  # moderates content
    EDITOR = "editor"  # answers contributions officially for the organisation ("Redaktion"), manages nothing
    MEMBER = "member"  # may see a private (invite-only) project


class PhaseState(StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


class User(UserMixin, db.Model):
    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str | None] = mapped_column(String(8))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    #: Part of the id every session and "stay logged in" cookie carries (see :meth:`get_id`).
    #: Raising it ends every session of this user: logout, password change and reset do.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: When the owner proved the address by following the link we mailed; None: not yet, cannot log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the owner (or the operator) deleted the account: the row stays, without anything personal,
    #: so contributions keep an author and counts stay exact (see core/account_deletion.py).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: Only a new display name changes what readers see (names are shown on every page that has people);
    #: a new account is shown nowhere yet.
    cache_columns = ("display_name",)
    cache_inserts = False

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """See :mod:`core.cache_scopes`: every page with people's names depends on ``people/``."""
        return ["people/"]

    def get_id(self) -> str:
        """``"<id>.<session_version>"``: what Flask-Login keeps in the session and the remember cookie.

        Session cookies are signed, not stored on the server, so a copied cookie
        would stay valid after logout; with the version in it, a cookie from
        before the last logout or password change no longer matches the user
        (:func:`load_user_by_session_id`) and logs nobody in.
        """
        return f"{self.id}.{self.session_version or 0}"

    def end_all_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user, on every device."""
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        # scrypt: a current memory-hard algorithm. Tests configure a cheap method
        # (PASSWORD_HASH_METHOD) because scrypt costs ~150 ms per user by design.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class Project(db.Model):
    __tablename__ = "core_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description_html: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Who speaks for the project in official responses ("Stadt Beispielstadt, Amt für Verkehr");
    #: empty: the deployment's ``organisation_name`` or site name (:attr:`organisation_name`).
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    phases: Mapped[list[Phase]] = relationship(
        back_populates="project", order_by="Phase.position", cascade="all, delete-orphan"
    )
    roles: Mapped[list[ProjectRole]] = relationship(back_populates="project", cascade="all, delete-orphan")

    @property
    def organisation_name(self) -> str:
        """The organisation named under official responses: the project's own, else the deployment's."""
        config = current_app.config
        return (self.organisation or "").strip() or config.get("ORGANISATION_NAME") or config.get("SITE_NAME", "")

    @property
    def project(self) -> Project:
        """A project is its own project, so ``can(user, action, project)`` works."""
        return self

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """The header of every page of the project (see :mod:`core.cache_scopes`)."""
        return [f"p{row.id}/project/"]

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"


class ProjectRole(db.Model):
    __tablename__ = "core_project_role"
    __table_args__ = (UniqueConstraint("project_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    project: Mapped[Project] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """Who runs and moderates a project may be named on its pages (see :mod:`core.cache_scopes`)."""
        return [f"p{row.project_id}/project/"]


class Phase(db.Model):
    __tablename__ = "core_phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description_html: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(Integer, default=0)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)

    project: Mapped[Project] = relationship(back_populates="phases")

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """Phases are part of every page's header and participation notice (see :mod:`core.cache_scopes`)."""
        return [f"p{row.project_id}/project/"]

    def state(self, at: datetime) -> PhaseState:
        """Upcoming before ``start``, active from ``start`` up to (not including) ``end``."""
        if at < self.start:
            return PhaseState.UPCOMING
        if at < self.end:
            return PhaseState.ACTIVE
        return PhaseState.ENDED

    def __repr__(self) -> str:
        return f"<Phase {self.kind} {self.title!r}>"


class Follow(db.Model):
    """A person follows a project: the projects on their "My participation" page, later their notifications.

    Following starts by itself with a person's first contribution to a project
    (:func:`core.following.follow`) and ends when they press "Unfollow". The row
    stays then, with ``unfollowed_at`` set, so that a later contribution does not
    make them follow again against their word.
    """

    __tablename__ = "core_follow"
    #: Following changes no page a reader sees (core.cache_scopes).
    changes_no_content = True
    __table_args__ = (UniqueConstraint("user_id", "project_id", name="uq_core_follow_user_project"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    unfollowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()


class CacheScope(db.Model):
    """A counter per thing readers see, bumped by every write to it (see :mod:`core.cache_scopes`).

    ``key`` is a path ("p7/commenting.document:2/chapter:3/"); readers sum the
    counters under a prefix, so keys compare byte by byte (collation "C" on PostgreSQL).
    """

    __tablename__ = "core_cache_scope"

    key: Mapped[str] = mapped_column(String(255).with_variant(String(255, collation="C"), "postgresql"),
                                     primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())


CORE_MODELS = [User, Project, ProjectRole, Phase, Follow, CacheScope]


@lru_cache(maxsize=None)
def by_primary_key(model: type):
    """``SELECT model WHERE id = :ident``, built once per model and run with ``{"ident": …}``.

    ``session.get`` builds and keys a new statement on every call: for the user of every
    logged-in request and the row of most pages, that was a tenth of a cached page's cost.
    (``lru_cache`` is thread-safe; a statement is never changed after it is built.)
    """
    return select(model).where(model.id == bindparam("ident"))


def load_user_by_session_id(session_id: str) -> User | None:
    """Flask-Login's user loader: the user whose id *and* session version match, else nobody."""
    user_id, _, version = (session_id or "").partition(".")
    if not (user_id.isdigit() and version.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.scalars(by_primary_key(User), {"ident": int(user_id)}).first()
    if user is None or user.deleted_at is not None or (user.session_version or 0) != int(version):
        return None
    return user
