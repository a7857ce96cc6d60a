"""The plugin's table, named with the plugin's prefix (``wishes_``) so it never clashes with another's.

After changing a model, write a migration: ``mitsprache db revision wishes -m "what changed"``;
``tests/test_migrations.py`` fails until the revisions build the models again.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Project, User, UTCDateTime, db, now


class Wish(db.Model):
    __tablename__ = "wishes_wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(140))
    # A column added to a table that has rows needs a server default: the rows already there get it.
    colour: Mapped[str] = mapped_column(String(10), server_default="yellow")
    # UTC in the database, aware datetimes in Python, on SQLite and PostgreSQL alike; now() is the app's clock.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    project: Mapped[Project] = relationship()
    author: Mapped[User] = relationship(lazy="joined")  # the page shows every author: one query, not one each
