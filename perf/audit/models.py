"""The audit log: who changed what, when, with the values before and after."""

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from perf.db import BlankText, Moment, utcnow
from perf.extensions import db


class AuditEntry(db.Model):
    """One write that matters."""

    __tablename__ = "audit_entry"
    #: A project's (any object's) entries are read together: the 修改记录 page, the API's filter.
    __table_args__ = (Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[Moment] = mapped_column(default=utcnow, index=True)
    #: Who: a user name, or "cli" for the command line.
    actor: Mapped[str] = mapped_column(String(100))
    #: What kind of write, e.g. "project.import".
    action: Mapped[str] = mapped_column(String(50))
    #: The object: type and id, e.g. ("project", "12").
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: {"field": [before, after]} for changed fields; values as JSON-safe strings.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
