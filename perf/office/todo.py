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

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload

from perf import clock
from perf.alerts.models import Alert
from perf.auth.permissions import visible
from perf.db import among
from perf.evaluation.models import SelfEvaluation
from perf.extensions import db
from perf.midyear.models import MonitoringEntry
from perf.midyear.settings import round_date
from perf.office.deadlines import STAGES, Limits
from perf.office.messages import project_link
from perf.org.models import BudgetYear, Checkpoint
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


#: The roles with a 待办.
ROLES = ("owner", "reviewer", "leader")
#: The home page lists this many at most (the most urgent); the top bar counts them all (up to COUNT_CAP).
LIST_LIMIT = 100
#: The top bar counts up to this many (shown as "1,000+"): a count that stops there costs the same
#: whatever the number of items (a province's reviewer may have 100,000 overdue self-evaluations).
COUNT_CAP = 1000


def _order(item: Item) -> tuple:
    return (not item.overdue, item.due or date.max, item.since, item.project_code, item.kind)


def todo(user, as_of: date | None = None, limit: int | None = None, kinds=KINDS) -> list[Item]:
    """Everything waiting for ``user`` on ``as_of`` (today by default): overdue first, then by due date.

    With ``limit``, each source reads at most that many rows (the most urgent first: earliest budget
    year, then project code; alerts by age) and the list keeps the first ``limit`` items.
    """
    as_of = as_of or clock.today()
    if user.role not in ROLES:
        return []
    world = _World(user, as_of, Limits.load(), limit)
    read = [(source, source.rows(world)) for source in world.sources() if source.kind in kinds]
    world.know([row for _, rows in read for row in rows])
    items = [source.make(world, row) for source, rows in read for row in rows]
    return sorted(items, key=_order)[:limit]


def count(user, as_of: date | None = None) -> int:
    """How many items wait (the top bar's figure), counted up to ``COUNT_CAP``: each source's rows up to
    the cap (no sort), all in one statement, so the count costs the same however many items there are;
    ``COUNT_CAP`` means "at least that many"."""
    as_of = as_of or clock.today()
    if user.role not in ROLES:
        return 0
    world = _World(user, as_of, Limits.load())
    counts = [
        select(func.count()).select_from(s.query.order_by(None).limit(COUNT_CAP).subquery()).scalar_subquery()
        for s in world.sources()
    ]
    return min(sum(db.session.execute(select(*counts)).one()), COUNT_CAP)


def last_late_year(limits: Limits, stage: str, as_of: date) -> int:
    """The latest budget year whose ``stage`` deadline has passed on ``as_of`` (as_of > due)."""
    year = as_of.year - STAGES[stage][2]
    return year if as_of > limits.due(stage, year) else year - 1


@dataclass
class _Source:
    """One kind of item: the rows it is made of (a query: counted, or read) and how each becomes an item."""

    kind: str
    query: Select
    make: Callable[["_World", object], Item]

    def rows(self, world: "_World") -> list:
        query = self.query if world.limit is None else self.query.limit(world.limit)
        return list(db.session.scalars(query).unique())


@dataclass
class _World:
    """Whose 待办, on which day; the steps and self-evaluations of the projects read so far."""

    user: object
    as_of: date
    limits: Limits
    limit: int | None = None
    last_steps: dict[tuple[str, int], StepEvent] = field(default_factory=dict)
    evaluations: dict[int, SelfEvaluation] = field(default_factory=dict)
    labels: dict[tuple[int, int], str] = field(default_factory=dict)

    # -- the rows, in SQL --

    def projects(self, *where) -> Select:
        query = (
            select(Project)
            .join(BudgetYear, BudgetYear.id == Project.year_id)
            .options(contains_eager(Project.budget_year))
            .where(*where)
            .order_by(BudgetYear.year, Project.code)
        )
        return visible(query, self.user, Project)

    def alerts(self, *where) -> Select:
        query = (
            select(Alert)
            .join(Project, Project.id == Alert.project_id)
            .options(joinedload(Alert.project).joinedload(Project.budget_year))
            .where(Alert.kind == "lag", *where)
            .order_by(Alert.as_of, Project.code, Alert.id)
        )
        return visible(query, self.user, Project)

    def drafts(self, late: bool = False) -> Select:
        where = [Project.status == "draft"]
        if late:
            year = last_late_year(self.limits, "target", self.as_of)
            where += [Project.adjustment_reason.is_(None), BudgetYear.year <= year]
        return self.projects(*where)

    def evaluations_to_fill(self, late: bool = False) -> Select:
        """Approved projects whose self-evaluation is the owner's: from the new year, or returned."""
        moved = select(SelfEvaluation.id).where(
            SelfEvaluation.project_id == Project.id, SelfEvaluation.status != "draft"
        )
        last_step = (
            select(StepEvent.step)
            .where(StepEvent.workflow == "self_evaluation", StepEvent.project_id == Project.id)
            .order_by(StepEvent.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        where = [
            Project.status == "approved",
            ~moved.exists(),
            or_(BudgetYear.year < self.as_of.year, last_step == "return"),
        ]
        if late:
            where.append(BudgetYear.year <= last_late_year(self.limits, "self_evaluation", self.as_of))
        return self.projects(*where)

    def evaluations_to_review(self) -> Select:
        submitted = select(SelfEvaluation.id).where(
            SelfEvaluation.project_id == Project.id, SelfEvaluation.status == "submitted"
        )
        return self.projects(Project.status == "approved", submitted.exists())

    def midyear(self, late: bool = False) -> Select:
        """Approved projects of this year with indicators still without an entry of the round, once it has come."""
        on, year = round_date(self.as_of.year), self.as_of.year
        open_ = on <= self.as_of and (not late or self.as_of > self.limits.due("midyear", year))
        indicators = select(func.count(Indicator.id)).where(Indicator.project_id == Project.id).scalar_subquery()
        entries = (
            select(func.count(MonitoringEntry.id))
            .join(Indicator, Indicator.id == MonitoringEntry.indicator_id)
            .where(Indicator.project_id == Project.id, MonitoringEntry.round_on == on)
            .scalar_subquery()
        )
        return self.projects(
            Project.status == "approved", BudgetYear.year == year, entries < indicators, true() if open_ else false()
        )

    def sources(self) -> list[_Source]:
        days = self.limits.answer_days
        open_ = Alert.status == "open"
        late_answer = or_(Alert.level == "red", Alert.as_of < self.as_of - timedelta(days=days))
        escalated = Alert.as_of <= self.as_of - timedelta(days=2 * days)
        missed = [
            _Source("deadline", self.drafts(late=True), _World.missed_target),
            _Source("deadline", self.midyear(late=True), _World.missed_midyear),
            _Source("deadline", self.evaluations_to_fill(late=True), _World.missed_evaluation),
        ]
        if self.user.role == "owner":
            return [
                _Source("deadline", self.drafts(), _World.target_draft),
                _Source("alert_answer", self.alerts(open_), _World.alert_answer),
                _Source("midyear_fill", self.midyear(), _World.midyear_fill),
                _Source("self_eval_fill", self.evaluations_to_fill(), _World.evaluation_to_fill),
            ]
        if self.user.role == "reviewer":
            return [
                _Source("target_review", self.projects(Project.status == "submitted"), _World.target_review),
                _Source("self_eval_review", self.evaluations_to_review(), _World.evaluation_review),
                _Source("alert_review", self.alerts(Alert.status == "answered"), _World.alert_review),
                _Source("alert_answer", self.alerts(open_, late_answer), _World.alert_answer),
                *missed,
            ]
        return [_Source("alert_answer", self.alerts(open_, escalated), _World.alert_answer), *missed]

    def know(self, rows: list) -> None:
        """Read the last steps and self-evaluations of the projects read, and the checkpoints' labels
        (three queries, whatever was read)."""
        ids = [row.project_id if isinstance(row, Alert) else row.id for row in rows] or [-1]
        latest = (
            select(func.max(StepEvent.id))
            .where(among(db.session, StepEvent.project_id, ids))
            .group_by(StepEvent.workflow, StepEvent.project_id)
        )
        for event in db.session.scalars(select(StepEvent).where(StepEvent.id.in_(latest))):
            self.last_steps[(event.workflow, event.project_id)] = event
        evaluations = select(SelfEvaluation).where(among(db.session, SelfEvaluation.project_id, ids))
        for evaluation in db.session.scalars(evaluations):
            self.evaluations[evaluation.project_id] = evaluation
        labels = db.session.execute(select(Checkpoint.year_id, Checkpoint.seq, Checkpoint.label))
        self.labels = {(year_id, seq): label for year_id, seq, label in labels}

    def checkpoint_label(self, project: Project, seq: int) -> str:
        return self.labels.get((project.year_id, seq)) or f"第 {seq} 个节点"

    # -- what each row becomes --

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

    def since_step(self, workflow: str, project: Project) -> date:
        event = self.last_steps.get((workflow, project.id))
        return local_date(event.at) if event is not None else self.as_of

    def target_draft(self, project: Project) -> Item:
        due = self.target_due(project)
        returned = self.returned("target", project)
        if returned is not None:
            title = f"绩效目标表已退回：{returned.comment}" if returned.comment else "绩效目标表已退回"
            since = local_date(returned.at)
            return self.item("target_returned", project, title, since, due, comment=returned.comment or "")
        since = local_date(project.created_at) or self.as_of
        title = "提交调整后的绩效目标表" if due is None else "提交绩效目标表（目标申报）"
        return self.item("deadline", project, title, min(since, self.as_of), due)

    def target_review(self, project: Project) -> Item:
        since = self.since_step("target", project)
        return self.item("target_review", project, "审核绩效目标表", since, self.target_due(project))

    def evaluation_to_fill(self, project: Project) -> Item:
        year = project.budget_year.year
        due, link = self.limits.due("self_evaluation", year), f"/projects/{project.id}/self-evaluation"
        returned = self.returned("self_evaluation", project)
        if returned is not None:
            title = f"绩效自评已退回：{returned.comment}" if returned.comment else "绩效自评已退回"
            comment = returned.comment or ""
            return self.item(
                "self_eval_returned", project, title, local_date(returned.at), due, link=link, comment=comment
            )
        return self.item("self_eval_fill", project, "填报绩效自评", date(year + 1, 1, 1), due, link=link)

    def evaluation_review(self, project: Project) -> Item:
        due = self.limits.due("self_evaluation", project.budget_year.year)
        since, link = self.since_step("self_evaluation", project), f"/projects/{project.id}/self-evaluation"
        return self.item("self_eval_review", project, "审核绩效自评", since, due, link=link)

    def midyear_fill(self, project: Project) -> Item:
        year = project.budget_year.year
        on, due = round_date(year), self.limits.due("midyear", year)
        title = f"填报绩效运行监控（{on.month}月{on.day}日）"
        return self.item("midyear_fill", project, title, on, due, link=f"/projects/{project.id}/midyear")

    def alert_answer(self, alert: Alert) -> Item:
        project = alert.project
        level = "红灯" if alert.level == "red" else "黄灯"
        title = f"说明支出进度滞后（{self.checkpoint_label(project, alert.checkpoint_seq)}，{level}）"
        due = self.limits.answer_due(alert.as_of)
        item = self.item("alert_answer", project, title, alert.as_of, due, link=f"/alerts/{alert.id}")
        item.escalated = self.as_of >= self.limits.escalation_on(alert.as_of)
        item.red = alert.level == "red"
        return item

    def alert_review(self, alert: Alert) -> Item:
        project = alert.project
        since = local_date(alert.answered_at) or alert.as_of
        title = f"查看预警说明（{self.checkpoint_label(project, alert.checkpoint_seq)}）"
        return self.item("alert_review", project, title, since, None, link=f"/alerts/{alert.id}")

    # -- the department's missed deadlines, for reviewers and leaders --

    def missed_target(self, project: Project) -> Item:
        item = self.target_draft(project)
        return _as_deadline(item, f"绩效目标表逾期未批复：{item.title}")

    def missed_midyear(self, project: Project) -> Item:
        return _as_deadline(self.midyear_fill(project), "绩效运行监控逾期未填报")

    def missed_evaluation(self, project: Project) -> Item:
        return _as_deadline(self.evaluation_to_fill(project), "绩效自评逾期未提交")


def _as_deadline(item: Item, title: str) -> Item:
    item.kind, item.title = "deadline", title
    return item
