"""The plugin's one table, prefixed with its name as every plugin table is."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Project, User
from core.toolkit import now
from core.types import UTCDateTime


class Wish(db.Model):
    __tablename__ = "wishes_wish"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("core_project.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    text: Mapped[str] = mapped_column(String(140))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=lambda: now())

    project: Mapped[Project] = relationship()
    author: Mapped[User] = relationship()
