"""What people do with alerts: the owner answers (滞后原因, 整改措施, catch-up date), the reviewer closes.

Services flush; the boundary commits. Every step is audited and lands in the other
side's inbox.
"""

from datetime import date

from sqlalchemy import func, or_, select, update

from perf.alerts.models import Alert, InboxItem
from perf.alerts.notify import Audience, Message, department_people, owners_of, tell
from perf.alerts.queries import alerts_by_id
from perf.audit.services import record
from perf.auth.permissions import can_edit, can_review
from perf.db import MAX_ID, insert_ignoring_duplicates, utcnow
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.versions import claim
from perf.workflow.models import StepEvent

#: The longest comment a close takes; the most alerts one batch closes.
MAX_COMMENT, MAX_BATCH = 2000, 200
#: The longest 滞后原因, 整改措施 or send-back comment, in characters.
MAX_ANSWER = 2000
LABELS = {"reason": "滞后原因", "measures": "整改措施"}


def stale_message(alert: Alert, what: str) -> str:
    """What a step taken on an older read of the alert is told (someone answered, sent back or closed it meanwhile)."""
    return (
        f"该预警在您打开后已有新的处理（现为“{alert.status_label}”），您的{what}未保存，填写的内容已保留。"
        "请查看最新的说明和意见后再决定是否提交。"
    )


def answer(
    alert: Alert, user, reason: str, measures: str, catch_up_on: date | str | None, expected_version: int | None = None
) -> None:
    """The owner explains a lag; an answer can be improved until the reviewer closes the alert.

    ``catch_up_on`` is a date or the text of one as typed (2024-08-31); every problem is raised at once.
    ``expected_version``: the alert's version the answer was written against (another step since: stale).
    """
    if not can_edit(user, alert.project):
        raise RuleError("只有本单位的项目负责人可以说明滞后原因", "forbidden")
    claim(alert, expected_version, stale_message(alert, "说明"))
    if alert.kind != "lag" or alert.status not in ("open", "answered", "resolved"):
        raise RuleError(f"该预警当前为“{alert.status_label}”，不能填写说明", "conflict")
    catch_up_on, unreadable = _read_date(catch_up_on)
    problems = _answer_problems(reason, measures, catch_up_on)
    if unreadable:
        problems["catch_up_on"] = [unreadable]
    checkpoint = _checkpoint(alert)
    if catch_up_on is not None and checkpoint is not None and catch_up_on <= checkpoint.on_date:
        problems.setdefault("catch_up_on", []).append(
            f"预计追上进度的日期应在节点（{checkpoint.label}，{checkpoint.on_date.isoformat()}）之后"
        )
    if problems:
        raise RuleError(problems)
    before = {"滞后原因": alert.reason, "整改措施": alert.measures, "预计追上日期": _iso(alert.catch_up_on)}
    alert.reason, alert.measures, alert.catch_up_on = reason.strip(), measures.strip(), catch_up_on
    alert.answered_by_id, alert.answered_at = user.id, utcnow()
    if alert.status == "open":
        alert.status = "answered"
    after = {"滞后原因": alert.reason, "整改措施": alert.measures, "预计追上日期": _iso(alert.catch_up_on)}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    record(user.username, "alert.answer", "project", alert.project_id, f"说明预警 #{alert.id}", changes)
    said = f"滞后原因：{alert.reason}\n整改措施：{alert.measures}\n预计追上进度：{_iso(alert.catch_up_on)}"
    event = _converse(alert, user, "answer", said)
    people = department_people(alert.project.unit_id, "reviewer")
    tell(people, _message(alert, event, "预警已说明", f"说明人：{user.label}\n{said}"))


def send_back(alert: Alert, user, comment: str, expected_version: int | None = None) -> None:
    """The reviewer finds the answer wanting and sends it back with a comment; the owner answers again."""
    if not can_review(user, alert.project):
        raise RuleError("只有本部门的财务审核可以退回说明", "forbidden")
    claim(alert, expected_version, stale_message(alert, "退回"))
    if alert.status != "answered":
        raise RuleError(f"该预警当前为“{alert.status_label}”，没有待审阅的说明", "conflict")
    comment = (comment or "").strip()
    if not comment:
        raise RuleError({"comment": ["退回说明时必须填写意见"]})
    if len(comment) > MAX_ANSWER:
        raise RuleError({"comment": [f"最多 {MAX_ANSWER} 个字"]})
    if refused := unsavable(comment, "意见"):
        raise RuleError({"comment": [refused]})
    alert.status = "open"
    record(
        user.username,
        "alert.send_back",
        "project",
        alert.project_id,
        f"退回预警 #{alert.id} 的说明",
        {"状态": ["已说明", "待说明"], "意见": [None, comment]},
    )
    event = _converse(alert, user, "send_back", comment)
    message = _message(alert, event, "预警说明被退回", f"退回人：{user.label}\n意见：{comment}")
    tell(owners_of(alert.project.unit_id), message)


def conversation(alert: Alert) -> list[StepEvent]:
    """The alert's answers and send-backs, oldest first."""
    query = select(StepEvent).where(StepEvent.workflow == "alert", StepEvent.subject_id == alert.id)
    return list(db.session.scalars(query.order_by(StepEvent.id)))


def _converse(alert: Alert, user, step: str, said: str) -> StepEvent:
    """One turn of the conversation, kept as a step event of the alert."""
    event = StepEvent(
        workflow="alert",
        subject_id=alert.id,
        project_id=alert.project_id,
        step=step,
        from_state=None,
        to_state=alert.status,
        actor_id=user.id,
        actor=user.username,
        comment=said,
        summary=f"预警 #{alert.id}",
    )
    db.session.add(event)
    db.session.flush()
    return event


def _message(alert: Alert, event: StepEvent, what: str, body: str) -> Message:
    project = alert.project
    return Message(
        key=f"alert:{alert.id}:{event.step}:{event.id}",
        event=event.step,
        title=f"【{what}】{project.code} {project.name}",
        body=f"项目：{project.code} {project.name}\n{body}",
        link=f"/alerts/{alert.id}",
        project_id=project.id,
        level=alert.level,
    )


def _checkpoint(alert: Alert):
    for checkpoint in alert.project.budget_year.checkpoints:
        if checkpoint.seq == alert.checkpoint_seq:
            return checkpoint
    return None


def mark_alert_read(user, alert: Alert) -> None:
    """Opening an alert marks its messages read."""
    link = f"/alerts/{alert.id}"
    db.session.execute(
        update(InboxItem)
        .where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
        .where(or_(InboxItem.alert_id == alert.id, InboxItem.link == link))
        .values(read_at=utcnow())
    )


def close(alert: Alert, user, comment: str = "", expected_version: int | None = None) -> None:
    """The reviewer has read the answer and closes the alert (with an optional comment, kept in the audit log)."""
    if not can_review(user, alert.project):
        raise RuleError("只有本部门的财务审核可以关闭预警", "forbidden")
    claim(alert, expected_version, stale_message(alert, "关闭"))
    if alert.status not in ("answered", "resolved"):
        raise RuleError("项目负责人填写滞后原因和整改措施后才能关闭预警", "conflict")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise RuleError({"comment": [f"最多 {MAX_COMMENT} 个字"]})
    if refused := unsavable(comment, "意见"):
        raise RuleError({"comment": [refused]})
    before = alert.status_label
    alert.status, alert.closed_by_id, alert.closed_at = "closed", user.id, utcnow()
    changes = {"状态": [before, "已关闭"], **({"意见": [None, comment]} if comment else {})}
    record(user.username, "alert.close", "project", alert.project_id, f"关闭预警 #{alert.id}", changes)
    _tell(alert, "closed", f"【预警已关闭】{alert.project.name}", reviewers=False)


def close_many(alert_ids, user, comment: str = "") -> list[Alert]:
    """Close every selected alert through ``close``, or none: RuleError naming each one that cannot be closed."""
    ids = sorted({i for i in alert_ids if 1 <= i <= MAX_ID})
    if not ids:
        raise RuleError({"alert_id": ["请至少选择一条预警"]})
    if len(ids) > MAX_BATCH:
        raise RuleError({"alert_id": [f"一次最多关闭 {MAX_BATCH} 条预警"]})
    alerts = alerts_by_id(ids)
    refused = [] if len(alerts) == len(ids) else ["有所选预警已不存在，请刷新页面后重新选择"]
    for alert in alerts:
        try:
            with db.session.begin_nested():  # a refused one leaves nothing behind, and the others are still checked
                close(alert, user, comment)
        except RuleError as error:
            project = alert.project
            refused.append(f"{project.code} {project.name}（预警 #{alert.id}）：{'；'.join(error.messages)}")
    if refused:
        raise RuleError([f"所选 {len(ids)} 条预警均未关闭，以下预警不能关闭：", *refused], "conflict")
    return alerts


def _answer_problems(reason: str, measures: str, catch_up_on: date | None) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, text, missing in (("reason", reason, "请填写滞后原因"), ("measures", measures, "请填写整改措施")):
        text = (text or "").strip()
        if not text:
            problems[name] = [missing]
        elif len(text) > MAX_ANSWER:
            problems[name] = [f"最多 {MAX_ANSWER} 个字"]
        elif refused := unsavable(text, LABELS[name]):
            problems[name] = [refused]
    if catch_up_on is None:
        problems["catch_up_on"] = ["请填写预计追上进度的日期"]
    return problems


def _read_date(value: date | str | None) -> tuple[date | None, str | None]:
    """(the date, None), or (None, why it cannot be read) for text that is not one."""
    if not isinstance(value, str):
        return value, None
    text = value.strip().replace("/", "-")
    if not text:
        return None, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, "请按 年-月-日 填写日期，如 2024-08-31"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _tell(alert: Alert, event: str, text: str, reviewers: bool) -> None:
    """Put the step in the other side's inbox."""
    audience = Audience.load()
    everyone = audience.of(alert.project.unit_id, owners_only=not reviewers)
    people = [u for u in everyone if (u.role == "reviewer") == reviewers]
    rows = [
        {
            "user_id": u.id,
            "alert_id": alert.id,
            "event": event,
            "level": alert.level,
            "text": text,
            "created_at": utcnow(),
        }
        for u in people
    ]
    insert_ignoring_duplicates(db.session, InboxItem, rows, ["user_id", "alert_id", "event", "level"])


def unread_count(user) -> int:
    """Unread inbox items of ``user``."""
    return db.session.scalar(
        select(func.count(InboxItem.id)).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    )


def mark_read(user, item_id: int | None = None) -> int:
    """Mark one item (or all) read; returns how many changed."""
    statement = update(InboxItem).where(InboxItem.user_id == user.id, InboxItem.read_at.is_(None))
    if item_id is not None:
        if not 1 <= item_id <= MAX_ID:  # no such item (and no id the database could hold)
            return 0
        statement = statement.where(InboxItem.id == item_id)
    return db.session.execute(statement.values(read_at=utcnow())).rowcount
