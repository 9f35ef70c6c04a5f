"""The reminder job (``perf remind``, daily after the scan): late work is reminded once and escalated once.

- An alert unanswered ``ALERT_ANSWER_DAYS`` after the scan that opened (or escalated) it: one
  reminder to the project's owners; after twice that, one escalation to the department's
  reviewers and leaders.
- Each deadline (perf.office.deadlines): ``DEADLINE_REMINDER_DAYS`` before it, one reminder to
  whoever still has the work (the owners of a draft, the reviewers of a submission); after it, one
  message per department to its reviewers listing the late projects.
- Users who chose the daily digest get one e-mail listing the day's unread messages.

Every message has a once-only key, so running the job again for the same day sends nothing new.
Flushes; the caller (the command, the scheduled job) commits and delivers after the commit.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from perf.alerts.models import Alert, InboxItem, Notification
from perf.alerts.notify import Message, department_people, owners_of, public_link, queued, tell
from perf.alerts.scheduler import after_scan
from perf.auth.models import User
from perf.db import among, insert_ignoring_duplicates, utcnow
from perf.evaluation.models import SelfEvaluation
from perf.extensions import db
from perf.midyear.models import MonitoringEntry
from perf.midyear.settings import round_date
from perf.office.deadlines import Limits, label
from perf.office.messages import project_link
from perf.projects.models import Indicator, Project


@dataclass(frozen=True)
class Sent:
    """One message the job sent to one person."""

    user: str
    kind: str
    project_code: str | None
    stage: str

    def as_json(self) -> dict:
        return {"user": self.user, "kind": self.kind, "project_code": self.project_code, "stage": self.stage}


@after_scan
def remind(as_of: date) -> list[Sent]:
    """Send what is due on ``as_of`` and has not been sent; what was sent, in order."""
    limits = Limits.load()
    sent: list[Sent] = []
    sent += _alert_reminders(as_of, limits)
    sent += _deadline_reminders(as_of, limits)
    sent += _digests(as_of)
    return sent


def _alert_reminders(as_of: date, limits: Limits) -> list[Sent]:
    alerts = db.session.scalars(
        select(Alert)
        .options(joinedload(Alert.project).joinedload(Project.budget_year))
        .where(Alert.kind == "lag", Alert.status == "open")
        .order_by(Alert.id)
    )
    sent = []
    for alert in alerts:
        project = alert.project
        if as_of >= limits.answer_due(alert.as_of):
            message = _alert_message(alert, "reminder", limits)
            for user in tell(owners_of(project.unit_id), message):
                sent.append(Sent(user.username, "alert_answer", project.code, "reminder"))
        if as_of >= limits.escalation_on(alert.as_of):
            message = _alert_message(alert, "escalation", limits)
            people = department_people(project.unit_id, "reviewer", "leader")
            for user in tell(people, message, webhook=True):
                sent.append(Sent(user.username, "alert_answer", project.code, "escalation"))
    return sent


def _alert_message(alert: Alert, stage: str, limits: Limits) -> Message:
    project = alert.project
    days = limits.answer_days if stage == "reminder" else 2 * limits.answer_days
    title = "预警逾期未说明" if stage == "reminder" else "预警逾期未说明（已上报）"
    lines = [
        f"项目：{project.code} {project.name}",
        f"支出进度滞后预警自 {alert.as_of.isoformat()} 起已超过 {days} 天未说明。",
    ]
    if stage == "reminder":
        lines.append("请项目负责人尽快填写滞后原因、整改措施和预计追上进度的日期。")
    else:
        lines.append(f"已提醒项目负责人，仍未说明，现报财务审核和部门领导督办。说明时限为 {limits.answer_days} 天。")
    return Message(
        key=f"remind:alert:{alert.id}:{alert.as_of.isoformat()}:{stage}",
        event="remind" if stage == "reminder" else "escalate",
        title=f"【{title}】{project.code} {project.name}",
        body="\n".join(lines),
        link=f"/alerts/{alert.id}",
        project_id=project.id,
        level=alert.level,
    )


def _deadline_reminders(as_of: date, limits: Limits) -> list[Sent]:
    """Per stage: the projects whose work for it is not done, and who has it now."""
    projects = list(
        db.session.scalars(
            select(Project).options(joinedload(Project.budget_year), joinedload(Project.unit)).order_by(Project.code)
        )
    )
    ids = [project.id for project in projects] or [-1]
    evaluations = dict(
        db.session.execute(
            select(SelfEvaluation.project_id, SelfEvaluation.status).where(
                among(db.session, SelfEvaluation.project_id, ids)
            )
        ).all()
    )
    filled = set(
        db.session.execute(
            select(Indicator.project_id, MonitoringEntry.round_on)
            .join(Indicator, Indicator.id == MonitoringEntry.indicator_id)
            .where(among(db.session, Indicator.project_id, ids))
            .distinct()
        ).all()
    )
    sent: list[Sent] = []
    late: dict[tuple[str, int, int], list[Project]] = defaultdict(list)
    for project in projects:
        year = project.budget_year.year
        for stage, holder in _pending(project, evaluations.get(project.id), filled, year):
            due = limits.due(stage, year)
            if limits.reminder_on(stage, year) <= as_of <= due:
                sent += _deadline_reminder(project, stage, holder, due)
            elif as_of > due:
                late[(stage, year, project.unit.department_id)].append(project)
    for (stage, year, department_id), overdue in late.items():
        sent += _late_summary(stage, year, department_id, overdue, limits.due(stage, year))
    return sent


def _pending(project: Project, evaluation_status: str | None, filled: set, year: int):
    """(stage, who holds the work: owner/reviewer) for each stage the project has not finished."""
    adjusting = project.adjustment_reason is not None  # an adjustment has no 目标申报 deadline
    if project.status == "draft" and not adjusting:
        yield "target", "owner"
    elif project.status == "submitted":
        if not adjusting:
            yield "target", "reviewer"
        return
    if project.status != "approved":
        return
    if (project.id, round_date(year)) not in filled:
        yield "midyear", "owner"
    if evaluation_status in (None, "draft"):
        yield "self_evaluation", "owner"
    elif evaluation_status == "submitted":
        yield "self_evaluation", "reviewer"


def _deadline_reminder(project: Project, stage: str, holder: str, due: date) -> list[Sent]:
    work = {"target": "绩效目标表", "midyear": "绩效运行监控", "self_evaluation": "绩效自评"}[stage]
    doing = "提交" if holder == "owner" else "审核"
    if stage == "midyear":
        doing = "填报"
    message = Message(
        key=f"remind:deadline:{stage}:{project.id}:{due.isoformat()}:{holder}",
        event="deadline",
        title=f"【{label(stage)}截止提醒】{project.code} {project.name}",
        body="\n".join(
            [
                f"项目：{project.code} {project.name}",
                f"{label(stage)}截止日期为 {due.isoformat()}，请在此之前完成{work}{doing}。",
            ]
        ),
        link=_stage_link(project, stage),
        project_id=project.id,
    )
    people = owners_of(project.unit_id) if holder == "owner" else department_people(project.unit_id, "reviewer")
    return [Sent(user.username, "deadline", project.code, "reminder") for user in tell(people, message)]


def _late_summary(stage: str, year: int, department_id: int, projects: list[Project], due: date) -> list[Sent]:
    lines = [f"以下项目的{label(stage)}已超过截止日期 {due.isoformat()}（{year} 年度），仍未完成："]
    lines += [f"- {project.code} {project.name}" for project in projects]
    message = Message(
        key=f"remind:late:{stage}:{year}:{department_id}",
        event="overdue",
        title=f"【{label(stage)}逾期】{len(projects)} 个项目逾期未完成",
        body="\n".join(lines),
        link="/",
    )
    reviewers = list(
        db.session.scalars(
            select(User).where(User.role == "reviewer", User.department_id == department_id, User.active)
        )
    )
    return [
        Sent(user.username, "deadline", project.code, "overdue")
        for user in tell(reviewers, message, webhook=True)
        for project in projects
    ]


def _stage_link(project: Project, stage: str) -> str:
    if stage == "midyear":
        return f"/projects/{project.id}/midyear"
    if stage == "self_evaluation":
        return f"/projects/{project.id}/self-evaluation"
    return project_link(project)


def _digests(as_of: date) -> list[Sent]:
    """One e-mail per digest user listing their unread messages of the last day (once per day)."""
    people = db.session.scalars(
        select(User).where(User.digest.is_(True), User.notify_email.is_(True), User.active).order_by(User.id)
    )
    sent, rows = [], []
    since = utcnow() - timedelta(days=1)
    for user in people:
        if not user.email:
            continue
        unread = list(
            db.session.scalars(
                select(InboxItem)
                .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None), InboxItem.created_at >= since)
                .order_by(InboxItem.id)
            )
        )
        key = f"digest:{user.id}:{as_of.isoformat()}"
        if not unread or db.session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
            continue
        lines = [f"您有 {len(unread)} 条未读消息："]
        lines += [f"- {item.text}  {public_link(item.link or f'/alerts/{item.alert_id}')}" for item in unread]
        subject = f"【perf 每日消息汇总】{as_of.isoformat()}，{len(unread)} 条未读"
        rows.append(queued(key, user.id, "email", user.email, subject, "\n".join(lines)))
        sent.append(Sent(user.username, "digest", None, "digest"))
    insert_ignoring_duplicates(db.session, Notification, rows, ["dedupe_key"])
    return sent
