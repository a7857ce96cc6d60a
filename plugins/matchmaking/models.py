"""Tables of the matchmaking plugin (all prefixed ``matchmaking_``).

- :class:`Settings`: one row per project: the recommendation weights and extra organisation kinds;
- :class:`Field`: the project's fields of action (Handlungsfelder), kept by its organisers;
- :class:`Organisation` and :class:`Membership`: who acts for whom; contact details live here
  and are shown only through :func:`.organisations.may_see_contacts`;
- :class:`Challenge` (a public body's "Wie können wir …?") and :class:`Initiative` (what an initiative offers);
- :class:`Interest` (one per direction and pair), :class:`Connection` (one per unordered pair,
  enforced by a unique constraint on ``(org_low_id, org_high_id)``), :class:`Message`;
- :class:`Introduction` (organisers propose a pair), :class:`Block`, :class:`Report`;
- :class:`Wish` (a public body's ranked wish list), :class:`Preference` (recommendations on or off).

Sets of facet keys are bit masks (see :mod:`.facets`); models expose them as sets.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Project, User, UTCDateTime, db, item_scope, now, text_to_html

from . import facets

NAME_MAX = 160
TITLE_MAX = 200
TEXT_MAX = 8000
SHORT_MAX = 500
MESSAGE_MAX = 2000

PUBLIC_BODY = "public_body"
INITIATIVE = "initiative"


class Settings(db.Model):
    """A project's matchmaking settings; a missing row means the defaults."""

    __tablename__ = "matchmaking_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), unique=True)
    #: {"fields": 1.0, "sdgs": 0.5, …}: read by the recommendation engine; organisers edit them.
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Organisation kinds beyond public body and initiative ("Stiftung", "Unternehmen"); they act on the initiatives' side.
    extra_kinds: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Field(db.Model):
    __tablename__ = "matchmaking_field"
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_matchmaking_field_project_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


challenge_fields = db.Table(
    "matchmaking_challenge_field",
    db.Column("challenge_id", ForeignKey("matchmaking_challenge.id", ondelete="CASCADE"), primary_key=True),
    db.Column("field_id", ForeignKey("matchmaking_field.id", ondelete="CASCADE"), primary_key=True, index=True),
)
initiative_fields = db.Table(
    "matchmaking_initiative_field",
    db.Column("initiative_id", ForeignKey("matchmaking_initiative.id", ondelete="CASCADE"), primary_key=True),
    db.Column("field_id", ForeignKey("matchmaking_field.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Organisation(db.Model):
    __tablename__ = "matchmaking_organisation"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id", name="uq_matchmaking_organisation_external"),
        Index("ix_matchmaking_organisation_project_kind", "project_id", "kind"),
    )
    __extra_tables__ = (challenge_fields, initiative_fields)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(8), default="DE", index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    # Contact details: shown only to organisers and to organisations with a mutual connection.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    project: Mapped[Project] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_public_body(self) -> bool:
        return self.kind == PUBLIC_BODY

    @property
    def description_html(self):
        return text_to_html(self.description)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Membership(db.Model):
    __tablename__ = "matchmaking_membership"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_matchmaking_membership"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class FacetsMixin:
    """Facet masks as sets of keys."""

    sdg_mask: Mapped[int]
    target_mask: Mapped[int]

    @property
    def sdgs(self) -> set[int]:
        return facets.from_mask(self.sdg_mask, facets.SDGS)

    @sdgs.setter
    def sdgs(self, values) -> None:
        self.sdg_mask = facets.to_mask(values, facets.SDGS)

    @property
    def target_groups(self) -> set[str]:
        return facets.from_mask(self.target_mask, facets.TARGET_GROUPS)

    @target_groups.setter
    def target_groups(self, values) -> None:
        self.target_mask = facets.to_mask(values, facets.TARGET_GROUPS)

    @property
    def field_ids(self) -> set[int]:
        return {field.id for field in self.fields}


class Challenge(FacetsMixin, db.Model):
    """A public body's challenge: "Wie können wir …?"."""

    __tablename__ = "matchmaking_challenge"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id", name="uq_matchmaking_challenge_external"),
        Index("ix_matchmaking_challenge_project_created", "project_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    tried: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(8), default="DE", index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    sdg_mask: Mapped[int] = mapped_column(Integer, default=0)
    target_mask: Mapped[int] = mapped_column(Integer, default=0)
    #: What the body offers a partner (pilot site, data …): :data:`.facets.RESOURCES`.
    offer_mask: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    organisation: Mapped[Organisation] = relationship()
    fields: Mapped[list[Field]] = relationship(secondary=challenge_fields, order_by="Field.position")

    @property
    def offers(self) -> set[str]:
        return facets.from_mask(self.offer_mask, facets.RESOURCES)

    @offers.setter
    def offers(self, values) -> None:
        self.offer_mask = facets.to_mask(values, facets.RESOURCES)

    @property
    def description_html(self):
        return text_to_html(self.description)

    @property
    def tried_html(self):
        return text_to_html(self.tried)

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """Its own scope holds its discussion too (core/cache_scopes.py); the catalogue reads the whole project."""
        return [item_scope("challenge", row.id, row.project_id)]

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.title!r}>"


class Initiative(FacetsMixin, db.Model):
    """What an initiative (social enterprise, civic tech team, association) offers."""

    __tablename__ = "matchmaking_initiative"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id", name="uq_matchmaking_initiative_external"),
        Index("ix_matchmaking_initiative_project_created", "project_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    maturity: Mapped[str] = mapped_column(String(20), default="idea")
    #: Where it is active, ";"-separated AGS keys or "DE"; the first is shown first.
    regions_text: Mapped[str] = mapped_column(String(400), default="DE")
    sdg_mask: Mapped[int] = mapped_column(Integer, default=0)
    target_mask: Mapped[int] = mapped_column(Integer, default=0)
    #: What it provides: :data:`.facets.SOLUTIONS`.
    offer_mask: Mapped[int] = mapped_column(Integer, default=0)
    #: What it needs: :data:`.facets.RESOURCES` (the same words as a challenge's offers).
    need_mask: Mapped[int] = mapped_column(Integer, default=0)
    references: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    organisation: Mapped[Organisation] = relationship()
    fields: Mapped[list[Field]] = relationship(secondary=initiative_fields, order_by="Field.position")

    @property
    def title(self) -> str:
        """The name, so lists and the item registry treat both catalogues alike."""
        return self.name

    @property
    def regions(self) -> list[str]:
        return [code for code in (self.regions_text or "").split(";") if code] or ["DE"]

    @regions.setter
    def regions(self, codes) -> None:
        self.regions_text = ";".join(dict.fromkeys(codes)) or "DE"

    @property
    def offers(self) -> set[str]:
        return facets.from_mask(self.offer_mask, facets.SOLUTIONS)

    @offers.setter
    def offers(self, values) -> None:
        self.offer_mask = facets.to_mask(values, facets.SOLUTIONS)

    @property
    def needs(self) -> set[str]:
        return facets.from_mask(self.need_mask, facets.RESOURCES)

    @needs.setter
    def needs(self, values) -> None:
        self.need_mask = facets.to_mask(values, facets.RESOURCES)

    @property
    def description_html(self):
        return text_to_html(self.description)

    @staticmethod
    def cache_scopes(row) -> list[str]:
        """Its own scope holds its discussion too (core/cache_scopes.py); the catalogue reads the whole project."""
        return [item_scope("initiative", row.id, row.project_id)]

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.name!r}>"


class Interest(db.Model):
    """One organisation's interest in another: at most one row per direction (re-sent by updating it).

    ``state``: pending, accepted, declined or withdrawn. "Expired" is never
    stored: a pending (or silently declined) interest older than the phase's
    ``expiry_days`` is expired, computed from the clock (:mod:`.interest`).
    """

    __tablename__ = "matchmaking_interest"
    __table_args__ = (
        UniqueConstraint("sender_id", "receiver_id", name="uq_matchmaking_interest_pair"),
        Index("ix_matchmaking_interest_receiver_state", "receiver_id", "state"),
        Index("ix_matchmaking_interest_project_state", "project_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("matchmaking_challenge.id", ondelete="SET NULL"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("matchmaking_initiative.id", ondelete="SET NULL"), index=True)
    message: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    state: Mapped[str] = mapped_column(String(20), default="pending")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    sender: Mapped[Organisation] = relationship(foreign_keys=[sender_id])
    receiver: Mapped[Organisation] = relationship(foreign_keys=[receiver_id])
    challenge: Mapped[Challenge | None] = relationship()
    initiative: Mapped[Initiative | None] = relationship()


class Connection(db.Model):
    """A mutual connection: exactly one per unordered pair (the lower organisation id first)."""

    __tablename__ = "matchmaking_connection"
    __table_args__ = (
        UniqueConstraint("org_low_id", "org_high_id", name="uq_matchmaking_connection_pair"),
        CheckConstraint("org_low_id < org_high_id", name="ck_matchmaking_connection_order"),
        Index("ix_matchmaking_connection_high", "org_high_id"),
        Index("ix_matchmaking_connection_project", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    org_low_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    org_high_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    #: How it came about: "answer" (accepted interest), "crossing" (both marked each other), "introduction".
    origin: Mapped[str] = mapped_column(String(20), default="answer")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    #: "", "pilot_agreed", "adopted", "ended": recorded by organisers with a note.
    outcome: Mapped[str] = mapped_column(String(20), default="")
    outcome_note: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project: Mapped[Project] = relationship()
    org_low: Mapped[Organisation] = relationship(foreign_keys=[org_low_id])
    org_high: Mapped[Organisation] = relationship(foreign_keys=[org_high_id])

    def other(self, org_id: int) -> Organisation:
        return self.org_high if org_id == self.org_low_id else self.org_low


class Message(db.Model):
    __tablename__ = "matchmaking_message"
    __table_args__ = (Index("ix_matchmaking_message_connection_created", "connection_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_connection.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def body_html(self):
        return text_to_html(self.body)


class Introduction(db.Model):
    """Organisers propose a pair; it becomes a connection when both sides accept."""

    __tablename__ = "matchmaking_introduction"
    __table_args__ = (
        UniqueConstraint("org_low_id", "org_high_id", name="uq_matchmaking_introduction_pair"),
        CheckConstraint("org_low_id < org_high_id", name="ck_matchmaking_introduction_order"),
        Index("ix_matchmaking_introduction_project", "project_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"))
    org_low_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    org_high_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    #: "organisers" (proposed by hand) or "allocation" (from the event's slot allocation).
    source: Mapped[str] = mapped_column(String(20), default="organisers")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    low_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    high_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    project: Mapped[Project] = relationship()
    org_low: Mapped[Organisation] = relationship(foreign_keys=[org_low_id])
    org_high: Mapped[Organisation] = relationship(foreign_keys=[org_high_id])

    def accepted_by(self, org_id: int) -> bool:
        return (self.low_accepted_at if org_id == self.org_low_id else self.high_accepted_at) is not None

    def other(self, org_id: int) -> Organisation:
        return self.org_high if org_id == self.org_low_id else self.org_low


class Block(db.Model):
    __tablename__ = "matchmaking_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id", name="uq_matchmaking_block_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())


class Report(db.Model):
    """An organisation reports another's behaviour to the organisers."""

    __tablename__ = "matchmaking_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(SHORT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter: Mapped[Organisation] = relationship(foreign_keys=[reporter_id])
    reported: Mapped[Organisation] = relationship(foreign_keys=[reported_id])


class Wish(db.Model):
    """One entry of a public body's wish list for the regional event; ``rank`` 1 is the most wanted."""

    __tablename__ = "matchmaking_wish"
    __table_args__ = (UniqueConstraint("organisation_id", "initiative_id", name="uq_matchmaking_wish"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_organisation.id", ondelete="CASCADE"))
    initiative_id: Mapped[int] = mapped_column(ForeignKey("matchmaking_initiative.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    organisation: Mapped[Organisation] = relationship()
    initiative: Mapped[Initiative] = relationship()


class Preference(db.Model):
    """A person's choice: no "Suggested for you" for me."""

    __tablename__ = "matchmaking_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), unique=True)
    recommendations: Mapped[bool] = mapped_column(Boolean, default=True)


MODELS = [Settings, Field, Organisation, Membership, Challenge, Initiative, Interest, Connection, Message,
          Introduction, Block, Report, Wish, Preference]
