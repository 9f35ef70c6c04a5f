"""Milestone monitoring: scan runs, lag alerts, the notification outbox and in-app inboxes.

Duplicates are impossible by construction: one alert per (project, checkpoint, kind),
one outbox row per dedupe key, one inbox item per (user, alert, event, level). A scan
that runs twice, in two processes at once or after a crash inserts with ON CONFLICT DO
NOTHING and changes levels with compare-and-set updates.
"""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import BlankText, Moment, Pct, utcnow
from perf.extensions import db
from perf.projects.models import Project

ALERT_KINDS = ("lag", "reminder")
ALERT_STATUSES = ("new", "open", "answered", "closed", "resolved")
ALERT_STATUS_LABELS = {
    "new": "新",
    "open": "待说明",
    "answered": "已说明",
    "closed": "已关闭",
    "resolved": "已追上进度",
}


class ScanRun(db.Model):
    """One run of the milestone scan."""

    __tablename__ = "scan_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The date the scan evaluated.
    as_of: Mapped[date] = mapped_column(index=True)
    #: Who started it: cli, scheduler, api, web.
    source: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[Moment] = mapped_column(default=utcnow)
    finished_at: Mapped[Moment | None]
    projects: Mapped[int] = mapped_column(default=0)
    alerts_opened: Mapped[int] = mapped_column(default=0)
    alerts_escalated: Mapped[int] = mapped_column(default=0)
    alerts_resolved: Mapped[int] = mapped_column(default=0)


class Alert(db.Model):
    """A project lagging its plan at a checkpoint (kind lag), or due for a reminder before one."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("project_id", "checkpoint_seq", "kind"),
        CheckConstraint(f"kind IN {ALERT_KINDS}", name="kind_known"),
        CheckConstraint(f"status IN {ALERT_STATUSES}", name="status_known"),
        CheckConstraint("level IN ('yellow', 'red', 'reminder')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique (project_id, checkpoint_seq, kind).
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    #: The checkpoint (seq within the project's year) the alert is about.
    checkpoint_seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    #: yellow / red for lag alerts; "reminder" for reminders.
    level: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    #: Figures at the last scan that changed the alert.
    planned_pct: Mapped[Pct]
    actual_pct: Mapped[Pct]
    as_of: Mapped[date]
    opened_at: Mapped[Moment] = mapped_column(default=utcnow)
    escalated_at: Mapped[Moment | None]
    resolved_at: Mapped[Moment | None]
    #: The owner's answer: 滞后原因, 整改措施 and the expected catch-up date.
    reason: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    measures: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    catch_up_on: Mapped[date | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[Moment | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[Moment | None]
    #: Moved on by people's steps only (answer, send back, close; perf/versions.py), never by the scan.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    project: Mapped[Project] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return ALERT_STATUS_LABELS[self.status]


class Notification(db.Model):
    """One message to send (e-mail or webhook), written in the scan's transaction, sent after it."""

    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'webhook')", name="channel_known"),
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: alert id, event, level, channel and address: the same message is never queued twice.
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    channel: Mapped[str] = mapped_column(String(10))
    #: E-mail address or webhook URL.
    address: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Set while a sender holds the row; a stale claim is taken over after a timeout.
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[Moment | None]
    next_attempt_at: Mapped[Moment] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    sent_at: Mapped[Moment | None]


class InboxItem(db.Model):
    """A message in a user's in-app inbox (站内消息): an alert event, a workflow step, a reminder.

    Alert events are unique per (user, alert, event, level); every other message by its ``key``
    per user (``step:<event id>``, ``remind:…``), so each is written once however often its job runs.
    """

    __tablename__ = "inbox_item"
    __table_args__ = (
        UniqueConstraint("user_id", "alert_id", "event", "level"),
        UniqueConstraint("user_id", "key", name="uq_inbox_item_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique (user_id, alert_id, event, level).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    #: opened, escalated, reminder, answered, closed, resolved; a step (submit, return …); remind, escalate, nudge
    event: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    #: The whole message (who, which step, the comment), where there is more than its title.
    body: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: Where the message leads inside perf (alert messages lead to their alert).
    link: Mapped[str | None] = mapped_column(String(300))
    #: Once-only key of a message that is not an alert event.
    key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    read_at: Mapped[Moment | None]

    alert: Mapped[Alert | None] = relationship()
