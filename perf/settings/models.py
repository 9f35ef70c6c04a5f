"""The admin's saved settings: one row per setting name, its value as JSON."""

from sqlalchemy import JSON, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from perf.db import Moment, utcnow
from perf.extensions import db


class Setting(db.Model):
    """A value the admin saved; a setting without a row takes the environment's (or the code's) default."""

    __tablename__ = "setting"

    #: The setting's name, as the API and the export file spell it, e.g. "lag_rules".
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    #: The value as the schema dumps it (decimals as strings).
    value: Mapped[object] = mapped_column(JSON)
    #: Who saved it last, and when.
    saved_by: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[Moment] = mapped_column(default=utcnow, onupdate=utcnow)


class SettingsVersion(db.Model):
    """The version of the whole set of settings (one row): each save moves it on, so a page or an API
    client that read an older set is refused instead of undoing another admin's change (perf/versions.py)."""

    __tablename__ = "settings_version"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
