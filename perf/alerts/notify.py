"""Who hears about what, and the messages queued for them (inbox items and an outbox).

The scan's alert events go through ``Outbox``; every other message (a workflow step, an alert
answered or sent back, a reminder, a nudge) through ``tell``. Nothing is sent here: rows are
written in the caller's transaction and delivered after it commits (``delivery.py``). Every row
has a unique key, so queuing twice is harmless.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from perf import tunables
from perf.alerts.delivery import deliver_pending, one_line
from perf.alerts.models import Alert, InboxItem, Notification
from perf.auth.models import User, user_unit
from perf.boundary import after_commit
from perf.db import insert_ignoring_duplicates, utcnow
from perf.extensions import db
from perf.numbers import fmt2
from perf.org.models import BudgetYear, Unit
from perf.spending.forecast import forecast_text
from perf.spending.lag import LEVEL_LABELS

EVENT_TITLES = {
    "opened": "支出进度滞后预警",
    "reopened": "支出进度再次滞后",
    "escalated": "支出进度预警升级",
    "resolved": "支出进度已追上计划",
    "reminder": "支出进度节点提醒",
}


@dataclass
class Audience:
    """Owners of each unit and reviewers of each department, loaded once per scan."""

    owners_by_unit: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    reviewers_by_department: dict[int, list[User]] = field(default_factory=lambda: defaultdict(list))
    department_of_unit: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Audience":
        """Three queries, whatever the number of projects."""
        audience = cls()
        audience.department_of_unit = dict(db.session.execute(select(Unit.id, Unit.department_id)).all())
        owners = db.session.execute(
            select(user_unit.c.unit_id, User).join(User, User.id == user_unit.c.user_id).where(User.active)
        )
        for unit_id, user in owners:
            audience.owners_by_unit[unit_id].append(user)
        reviewers = db.session.scalars(select(User).where(User.role == "reviewer", User.active))
        for user in reviewers:
            audience.reviewers_by_department[user.department_id].append(user)
        return audience

    def reviewers_of(self, unit_id: int) -> list[User]:
        """The reviewers of the unit's department."""
        return list(self.reviewers_by_department.get(self.department_of_unit.get(unit_id), []))

    def of(self, unit_id: int, owners_only: bool) -> list[User]:
        """The owners of the unit, and unless ``owners_only`` the reviewers of its department."""
        people = list(self.owners_by_unit.get(unit_id, []))
        if not owners_only:
            people += self.reviewers_by_department.get(self.department_of_unit.get(unit_id), [])
        return people


class Outbox:
    """Collects inbox items and notifications during a scan, written in two bulk inserts."""

    def __init__(self, audience: Audience, budget_year: BudgetYear):
        self.audience = audience
        self.year = budget_year.year
        self.labels = {cp.seq: cp.label for cp in budget_year.checkpoints}
        self.inbox: list[dict] = []
        self.notifications: list[dict] = []

    def event(self, alert: Alert, status, event: str, owners_only: bool = False) -> None:
        """Queue ``event`` of ``alert`` for everyone who must hear about it."""
        subject, body = self.message(alert, status, event)
        for user in self.audience.of(status.unit_id, owners_only):
            self.inbox.append(
                {
                    "user_id": user.id,
                    "alert_id": alert.id,
                    "event": event,
                    "level": alert.level,
                    "text": subject,
                    "created_at": utcnow(),
                }
            )
            if user.mails_each_message:
                self._notify(alert, event, "email", user.email, subject, body, user.id)
        webhook = tunables.get("webhook_url")
        if webhook and event != "resolved":
            self._notify(alert, event, "webhook", webhook, subject, body, None)

    def _notify(self, alert, event, channel, address, subject, body, user_id) -> None:
        key = f"{alert.id}:{event}:{alert.level}:{channel}:{address}"
        self.notifications.append({**queued(key, user_id, channel, address, subject, body), "alert_id": alert.id})

    def message(self, alert: Alert, status, event: str) -> tuple[str, str]:
        """Chinese subject and body naming the project, checkpoint, planned and actual percent, and a link."""
        label = self.labels.get(alert.checkpoint_seq, "")
        level = "" if alert.level == "reminder" else f"（{LEVEL_LABELS[alert.level]}）"
        subject = f"【{EVENT_TITLES[event]}】{status.name} {label}{level}"
        link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/projects/{self.year}/{status.code}"
        lines = [
            f"项目：{status.code} {status.name}",
            f"节点：{self.year}年{label}",
            f"计划累计支出进度：{fmt2(alert.planned_pct)}%",
            f"实际累计支出进度：{fmt2(status.actual_pct)}%",
        ]
        if status.ratio is not None and alert.kind == "lag":
            lines.append(f"执行进度与计划之比：{fmt2(status.ratio)}%（低于 60% 为红灯，低于 80% 为黄灯）")
        if alert.kind == "lag":
            lines.append(f"{forecast_text(status.forecast_pct, status.has_plan)}。")
        lines.append(_advice(event))
        lines.append(f"查看详情：{link}")
        return subject, "\n".join(lines)

    def write(self) -> None:
        """Insert what was queued; rows already there (same keys) are skipped."""
        insert_ignoring_duplicates(db.session, InboxItem, self.inbox, ["user_id", "alert_id", "event", "level"])
        insert_ignoring_duplicates(db.session, Notification, self.notifications, ["dedupe_key"])
        self.inbox, self.notifications = [], []


def _advice(event: str) -> str:
    if event == "resolved":
        return "该项目支出进度已达到计划要求，预警自动解除。"
    if event == "reminder":
        return "请在节点到期前加快支出进度。"
    return "请项目负责人在系统中填写滞后原因、整改措施和预计追上进度的日期。"


@dataclass(frozen=True)
class Message:
    """One message to tell people: ``key`` makes it once-only per person (``step:17``, ``remind:…``)."""

    key: str
    event: str
    title: str
    body: str
    #: Where it leads inside perf, e.g. /projects/2024/P1.
    link: str
    project_id: int | None = None
    level: str = "info"


def owners_of(unit_id: int) -> list[User]:
    """The active owners of a unit."""
    query = select(User).join(user_unit, user_unit.c.user_id == User.id).where(user_unit.c.unit_id == unit_id)
    return list(db.session.scalars(query.where(User.active).order_by(User.id)))


def department_people(unit_id: int, *roles: str) -> list[User]:
    """The active reviewers and/or leaders of the unit's department."""
    department = select(Unit.department_id).where(Unit.id == unit_id).scalar_subquery()
    query = select(User).where(User.department_id == department, User.role.in_(roles), User.active)
    return list(db.session.scalars(query.order_by(User.id)))


def tell(people: Iterable[User], message: Message, webhook: bool = False) -> list[User]:
    """In-app for everyone, an e-mail for who takes one per message, the group webhook if asked.

    Returns the people who had not had this message before (a message is told once per key).
    """
    people = list({user.id: user for user in people}.values())
    if not people:
        return []
    had = set(
        db.session.scalars(
            select(InboxItem.user_id).where(
                InboxItem.key == message.key, InboxItem.user_id.in_([user.id for user in people])
            )
        )
    )
    fresh = [user for user in people if user.id not in had]
    now = utcnow()
    rows = [
        {
            "user_id": user.id,
            "project_id": message.project_id,
            "event": message.event,
            "level": message.level,
            "text": message.title,
            "body": message.body,
            "link": message.link,
            "key": message.key,
            "created_at": now,
        }
        for user in fresh
    ]
    insert_ignoring_duplicates(db.session, InboxItem, rows, ["user_id", "key"])
    body = f"{message.body}\n查看详情：{public_link(message.link)}"
    mails = [
        queued(f"{message.key}:email:{user.email}", user.id, "email", user.email, message.title, body)
        for user in fresh
        if user.mails_each_message
    ]
    address = tunables.get("webhook_url")
    if webhook and address and fresh:
        mails.append(queued(f"{message.key}:webhook", None, "webhook", address, message.title, body))
    insert_ignoring_duplicates(db.session, Notification, mails, ["dedupe_key"])
    if mails:
        after_commit(deliver_pending)  # at once after the commit; the scheduler retries what fails
    return fresh


def public_link(path: str) -> str:
    """A path inside perf as an address people can open (PUBLIC_URL)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{path}"


def queued(key: str, user_id: int | None, channel: str, address: str, subject: str, body: str) -> dict:
    """One outbox row to insert: pending, due now, unique by ``key``."""
    return {
        "dedupe_key": key[:255],
        "alert_id": None,
        "user_id": user_id,
        "channel": channel,
        "address": address,
        "subject": one_line(subject)[:300],  # a header: a project name's line break would break the message
        "body": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
        "last_error": "",
    }
