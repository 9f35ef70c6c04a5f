"""The admin's saved settings: one row per setting name, its value as JSON."""

from sqlalchemy import JSON, String
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
