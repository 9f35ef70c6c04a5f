"""待办: what waits for one person on a given day, each item with its project, since, due and overdue.

One read model for the home page, the top bar's count and ``perf todo``; a fixed number of
queries whatever the number of projects. What each role sees (docs/domain.md "待办"):

- 项目负责人: drafts to submit (``deadline``), returned tables (``target_returned``), alerts to
  answer (``alert_answer``), the mid-year round's entries once its date has come (``midyear_fill``),
  self-evaluations to fill from the new year (``self_eval_fill``), returned ones (``self_eval_returned``);
- 财务审核: tables and self-evaluations to review (``target_review``, ``self_eval_review``), answered
  alerts to read (``alert_review``), alerts unanswered past their limit or on a red light
  (``alert_answer``), and the department's missed deadlines (``deadline``);
- 部门领导: escalated alerts (unanswered twice the limit) and the department's missed deadlines.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from perf import clock
from perf.alerts.models import Alert
from perf.auth.permissions import visible
from perf.evaluation.models import SelfEvaluation
from perf.extensions import db
from perf.midyear.models import MonitoringEntry
from perf.midyear.settings import round_date
from perf.office.deadlines import Limits
from perf.office.messages import project_link
from perf.projects.models import Indicator, Project
from perf.workflow.models import StepEvent

KINDS = (
    "target_review",
    "target_returned",
    "alert_answer",
    "alert_review",
    "self_eval_fill",
    "self_eval_review",
    "self_eval_returned",
    "midyear_fill",
    "deadline",
)
#: How the home page groups them.
KIND_LABELS = {
    "target_review": "待审核的绩效目标表",
    "target_returned": "被退回的绩效目标表",
    "alert_answer": "待说明的预警",
    "alert_review": "待查看的预警说明",
    "self_eval_fill": "待填报的绩效自评",
    "self_eval_review": "待审核的绩效自评",
    "self_eval_returned": "被退回的绩效自评",
    "midyear_fill": "待填报的绩效运行监控",
    "deadline": "截止期限",
}


@dataclass
class Item:
    """One piece of work waiting for someone."""

    kind: str
    project_code: str
    project_name: str
    title: str
    since: date
    due: date | None
    overdue: bool
    link: str = field(default="", compare=False)
    #: The reviewer's comment on a returned table or self-evaluation.
    comment: str = field(default="", compare=False)
    project_id: int = field(default=0, compare=False)
    #: An alert's: on a red light; unanswered twice its limit (escalated).
    red: bool = field(default=False, compare=False)
    escalated: bool = field(default=False, compare=False)

    def as_json(self) -> dict:
        """The ``perf todo --json`` shape: dates ISO, ``due`` null where there is none."""
        data = asdict(self)
        return {
            "kind": data["kind"],
            "project_code": data["project_code"],
            "project_name": data["project_name"],
            "title": data["title"],
            "since": self.since.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
        }

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def local_date(moment: datetime | None) -> date | None:
    """The local (TIMEZONE) date of a stored moment (naive ones are UTC, as SQLite returns them)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def todo(user, as_of: date | None = None) -> list[Item]:
    """Everything waiting for ``user`` on ``as_of`` (today by default): overdue first, then by due date."""
    as_of = as_of or clock.today()
    if user.role not in ("owner", "reviewer", "leader"):
        return []
    world = _World.load(user, as_of)
    items = {"owner": _owner_items, "reviewer": _reviewer_items, "leader": _leader_items}[user.role](world)
    return sorted(items, key=lambda i: (not i.overdue, i.due or date.max, i.since, i.project_code, i.kind))


def count(user, as_of: date | None = None) -> int:
    """How many items wait (the top bar's figure)."""
    return len(todo(user, as_of))


@dataclass
class _World:
    """What the items are made of, loaded in a fixed number of queries."""

    as_of: date
    limits: Limits
    projects: list[Project]
    last_steps: dict[tuple[str, int], StepEvent]
    evaluations: dict[int, SelfEvaluation]
    alerts: list[Alert]
    indicators: Counter
    midyear_entries: Counter

    @classmethod
    def load(cls, user, as_of: date) -> "_World":
        query = select(Project).options(joinedload(Project.budget_year)).order_by(Project.code)
        projects = list(db.session.scalars(visible(query, user, Project)))
        ids = [project.id for project in projects] or [-1]
        latest = (
            select(func.max(StepEvent.id))
            .where(StepEvent.project_id.in_(ids))
            .group_by(StepEvent.workflow, StepEvent.project_id)
        )
        steps = db.session.scalars(select(StepEvent).where(StepEvent.id.in_(latest)))
        evaluations = db.session.scalars(select(SelfEvaluation).where(SelfEvaluation.project_id.in_(ids)))
        alerts = db.session.scalars(
            select(Alert)
            .where(Alert.project_id.in_(ids), Alert.kind == "lag", Alert.status.in_(("open", "answered")))
            .order_by(Alert.id)
        )
        indicators = db.session.execute(
            select(Indicator.project_id, func.count(Indicator.id))
            .where(Indicator.project_id.in_(ids))
            .group_by(Indicator.project_id)
        )
        entries = db.session.execute(
            select(Indicator.project_id, MonitoringEntry.round_on, func.count(MonitoringEntry.id))
            .join(Indicator, Indicator.id == MonitoringEntry.indicator_id)
            .where(Indicator.project_id.in_(ids))
            .group_by(Indicator.project_id, MonitoringEntry.round_on)
        )
        return cls(
            as_of=as_of,
            limits=Limits.load(),
            projects=projects,
            last_steps={(event.workflow, event.project_id): event for event in steps},
            evaluations={evaluation.project_id: evaluation for evaluation in evaluations},
            alerts=list(alerts),
            indicators=Counter(dict(indicators.all())),
            midyear_entries=Counter({(pid, on): n for pid, on, n in entries}),
        )

    def by_id(self) -> dict[int, Project]:
        return {project.id: project for project in self.projects}

    def item(self, kind: str, project: Project, title: str, since: date, due: date | None, **extra) -> Item:
        overdue = due is not None and self.as_of > due
        link = extra.pop("link", None) or project_link(project)
        return Item(kind, project.code, project.name, title, since, due, overdue, link, project_id=project.id, **extra)

    def target_due(self, project: Project) -> date | None:
        """目标申报's deadline; an adjustment of an approved table has none (it comes when it is needed)."""
        if project.adjustment_reason is not None:
            return None
        return self.limits.due("target", project.budget_year.year)

    def returned(self, workflow: str, project: Project) -> StepEvent | None:
        """The return that left the subject in its draft state, if that is how it got there."""
        event = self.last_steps.get((workflow, project.id))
        return event if event is not None and event.step == "return" else None

    # -- the pieces each role's list is made of --

    def target_drafts(self) -> list[Item]:
        items = []
        for project in self.projects:
            if project.status != "draft":
                continue
            due = self.target_due(project)
            returned = self.returned("target", project)
            if returned is not None:
                title = f"绩效目标表已退回：{returned.comment}" if returned.comment else "绩效目标表已退回"
                since = local_date(returned.at)
                items.append(self.item("target_returned", project, title, since, due, comment=returned.comment or ""))
            else:
                since = local_date(project.created_at) or self.as_of
                title = "提交调整后的绩效目标表" if due is None else "提交绩效目标表（目标申报）"
                items.append(self.item("deadline", project, title, min(since, self.as_of), due))
        return items

    def target_reviews(self) -> list[Item]:
        items = []
        for project in self.projects:
            if project.status == "submitted":
                event = self.last_steps.get(("target", project.id))
                since = local_date(event.at) if event is not None else self.as_of
                items.append(self.item("target_review", project, "审核绩效目标表", since, self.target_due(project)))
        return items

    def evaluation_items(self, role: str) -> list[Item]:
        items = []
        for project in self.projects:
            if project.status != "approved":
                continue
            year = project.budget_year.year
            due = self.limits.due("self_evaluation", year)
            evaluation = self.evaluations.get(project.id)
            status = evaluation.status if evaluation is not None else "draft"
            link = f"/projects/{project.id}/self-evaluation"
            if role == "reviewer" and status == "submitted":
                event = self.last_steps.get(("self_evaluation", project.id))
                since = local_date(event.at) if event is not None else self.as_of
                items.append(self.item("self_eval_review", project, "审核绩效自评", since, due, link=link))
            if role == "owner" and status == "draft":
                returned = self.returned("self_evaluation", project)
                if returned is not None:
                    title = f"绩效自评已退回：{returned.comment}" if returned.comment else "绩效自评已退回"
                    since, kind, comment = local_date(returned.at), "self_eval_returned", returned.comment or ""
                    items.append(self.item(kind, project, title, since, due, link=link, comment=comment))
                elif self.as_of >= date(year + 1, 1, 1):
                    items.append(
                        self.item("self_eval_fill", project, "填报绩效自评", date(year + 1, 1, 1), due, link=link)
                    )
        return items

    def midyear_items(self) -> list[Item]:
        items = []
        for project in self.projects:
            if project.status != "approved":
                continue
            year = project.budget_year.year
            on = round_date(year)
            if not on <= self.as_of <= date(year, 12, 31):
                continue
            if self.midyear_entries[(project.id, on)] >= self.indicators[project.id]:
                continue
            due = self.limits.due("midyear", year)
            title = f"填报绩效运行监控（{on.month}月{on.day}日）"
            items.append(self.item("midyear_fill", project, title, on, due, link=f"/projects/{project.id}/midyear"))
        return items

    def alert_items(self, which: str) -> list[Item]:
        """``answer``: open alerts; ``review``: answered ones."""
        projects, items = self.by_id(), []
        for alert in self.alerts:
            project = projects[alert.project_id]
            link = f"/alerts/{alert.id}"
            label = _checkpoint_label(project, alert.checkpoint_seq)
            if which == "review" and alert.status == "answered":
                since = local_date(alert.answered_at) or alert.as_of
                title = f"查看预警说明（{label}）"
                items.append(self.item("alert_review", project, title, since, None, link=link))
            elif which != "review" and alert.status == "open":
                due = self.limits.answer_due(alert.as_of)
                level = "红灯" if alert.level == "red" else "黄灯"
                item = self.item(
                    "alert_answer", project, f"说明支出进度滞后（{label}，{level}）", alert.as_of, due, link=link
                )
                item.escalated = self.as_of >= self.limits.escalation_on(alert.as_of)
                item.red = alert.level == "red"
                items.append(item)
        return items

    def missed_deadlines(self) -> list[Item]:
        """The department's work past its deadline, for reviewers and leaders."""
        late = [item for item in self.target_drafts() if item.overdue]
        for item in late:
            item.kind, item.title = "deadline", f"绩效目标表逾期未批复：{item.title}"
        late += [_as_deadline(item, "绩效运行监控逾期未填报") for item in self.midyear_items() if item.overdue]
        late += [_as_deadline(item, "绩效自评逾期未提交") for item in self.evaluation_items("owner") if item.overdue]
        return late


def _as_deadline(item: Item, title: str) -> Item:
    item.kind, item.title = "deadline", title
    return item


def _checkpoint_label(project: Project, seq: int) -> str:
    for checkpoint in project.budget_year.checkpoints:
        if checkpoint.seq == seq:
            return checkpoint.label
    return f"第 {seq} 个节点"


def _owner_items(world: _World) -> list[Item]:
    return [
        *world.target_drafts(),
        *world.alert_items("answer"),
        *world.midyear_items(),
        *world.evaluation_items("owner"),
    ]


def _reviewer_items(world: _World) -> list[Item]:
    waiting = [item for item in world.alert_items("answer") if item.overdue or item.red]
    return [
        *world.target_reviews(),
        *world.evaluation_items("reviewer"),
        *world.alert_items("review"),
        *waiting,
        *world.missed_deadlines(),
    ]


def _leader_items(world: _World) -> list[Item]:
    escalated = [item for item in world.alert_items("answer") if item.escalated]
    return [*escalated, *world.missed_deadlines()]
