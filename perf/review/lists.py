"""我的项目 and 待审核: the 绩效目标表 lists with search, filters and paging; 已退回 in every project list;
batch 批复; the 修改记录's filters (kind of change, person, date range) and paging.

The lists read a fixed number of queries whatever their length (the total for the pager is one).
Batch 批复 takes every selected table through the same ``take`` as a single 批复 (the same
transition, permission and rule checks, audit and messages); it is all or nothing: one table that
cannot be approved refuses the whole batch, naming each refused project with its reason.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from perf.audit.labels import actor_label
from perf.audit.models import AuditEntry
from perf.auth.models import DEPARTMENT_ROLES, User
from perf.auth.permissions import visible
from perf.db import MAX_ID, page_of
from perf.errors import RuleError
from perf.extensions import db
from perf.org.models import BudgetYear, Unit
from perf.paging import ListArgs, Page, Window, parse_choice, parse_int, parse_range, parse_text
from perf.projects.models import Project
from perf.projects.pages import row_notes
from perf.projects.queries import projects_matching
from perf.review.pages import shown_entries
from perf.review.workflow import TARGET
from perf.templating import BEIJING
from perf.workflow.engine import returns_of, take
from perf.workflow.models import StepEvent

#: The status filter: the table's states, with 已退回 (a draft whose last step was a return) told apart.
STATUS_FILTERS = {"draft": "草稿", "returned": "已退回", "submitted": "已提交", "approved": "已批复"}
#: The most tables one batch 批复 takes.
MAX_BATCH = 200


@dataclass(frozen=True)
class QueueFilters:
    """What the 我的项目 / 待审核 list is narrowed to."""

    args: ListArgs = field(default_factory=ListArgs)
    status: str | None = None
    unit_id: int | None = None

    @classmethod
    def parse(cls, query_args, years, reviewer: bool) -> "QueueFilters":
        """Reviewers see what waits for them (已提交) until they pick another status (or 全部)."""
        default = "submitted" if reviewer and "status" not in query_args else None
        status = parse_choice(query_args.get("status"), STATUS_FILTERS, default)
        unit_id = parse_int(query_args.get("unit"), 0, 1, MAX_ID) or None
        return cls(ListArgs.parse(query_args, years), status, unit_id)


def _last_target_step():
    """The step last taken on the row's 绩效目标表 (NULL if none), as a correlated subquery."""
    return (
        select(StepEvent.step)
        .where(StepEvent.workflow == TARGET.name, StepEvent.project_id == Project.id)
        .order_by(StepEvent.id.desc())
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )


def queue(user, filters: QueueFilters) -> Page:
    """Owners: the projects of their units (我的项目). Reviewers: their department's (待审核). Newest change first."""
    query = (
        select(Project)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .options(joinedload(Project.unit), joinedload(Project.budget_year))
        .order_by(Project.updated_at.desc(), Project.id.desc())
    )
    args = filters.args
    query = projects_matching(query, args)
    if filters.unit_id is not None:
        query = query.where(Project.unit_id == filters.unit_id)
    if filters.status in ("submitted", "approved"):
        query = query.where(Project.status == filters.status)
    elif filters.status == "returned":
        query = query.where(Project.status == "draft", _last_target_step() == "return")
    elif filters.status == "draft":
        query = query.where(Project.status == "draft", func.coalesce(_last_target_step(), "") != "return")
    return page_of(db.session, visible(query, user, Project), args.window)


def unit_choices(user) -> list[tuple[int, str]]:
    """The units whose projects the user sees, for the unit filter."""
    if user.role == "owner":
        return [(unit.id, unit.name) for unit in user.units]
    query = select(Unit.id, Unit.name).order_by(Unit.id)
    if user.role in DEPARTMENT_ROLES:
        query = query.where(Unit.department_id == user.department_id)
    return [tuple(row) for row in db.session.execute(query)]


@row_notes
def returned_notes(projects) -> dict[int, dict]:
    """{project id: {"target" / "self_evaluation": the return}} for the listed projects left returned (已退回)."""
    notes: dict[int, dict] = {}
    for (workflow, project_id), event in returns_of(project.id for project in projects).items():
        notes.setdefault(project_id, {})[workflow] = event
    return notes


#: The 修改记录's 操作类别 filter: an audit action's first part (``payment.correct``) names what was changed.
AUDIT_KINDS = {
    "project": "绩效目标表",
    "payment": "支付记录",
    "alert": "预警",
    "actual": "实际完成值",
    "midyear": "绩效运行监控",
    "self_evaluation": "绩效自评",
}


@dataclass(frozen=True)
class AuditFilters:
    """What the 修改记录 is narrowed to; ``problems`` says which date was not a date (and so not applied)."""

    window: Window = field(default_factory=Window)
    kind: str | None = None
    actor: str | None = None
    start: date | None = None
    end: date | None = None
    problems: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, query_args) -> "AuditFilters":
        start, end, problems = parse_range(query_args.get("from"), query_args.get("to"))
        actor = parse_text(query_args.get("actor"), 100) or None
        window = Window.parse(query_args.get("page"), query_args.get("per_page"))
        return cls(window, parse_choice(query_args.get("kind"), AUDIT_KINDS), actor, start, end, problems)


def _beijing_midnight(day: date) -> datetime:
    """The moment a Beijing day starts (the log keeps UTC moments)."""
    return datetime.combine(day, time(), BEIJING)


def audit_page(project, filters: AuditFilters) -> Page:
    """One page of the project's recorded changes, newest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == "project", AuditEntry.object_id == str(project.id))
    if filters.kind:
        query = query.where(AuditEntry.action.startswith(f"{filters.kind}.", autoescape=True))
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.start:
        query = query.where(AuditEntry.at >= _beijing_midnight(filters.start))
    if filters.end:
        query = query.where(AuditEntry.at < _beijing_midnight(filters.end + timedelta(days=1)))
    found = page_of(db.session, query.order_by(AuditEntry.id.desc()), filters.window)
    return replace(found, items=shown_entries(found.items))


def audit_actors(project) -> list[tuple[str, str]]:
    """(actor, how to name them) for everyone in the project's log, by name, for the person filter."""
    query = (
        select(AuditEntry.actor, User.display_name)
        .outerjoin(User, User.username == AuditEntry.actor)
        .where(AuditEntry.object_type == "project", AuditEntry.object_id == str(project.id))
        .distinct()
    )
    named = [(actor, actor_label(actor, {actor: name} if name else {})) for actor, name in db.session.execute(query)]
    return sorted(named, key=lambda pair: pair[1])


def approve_many(project_ids, user, comment: str = "") -> list[Project]:
    """批复 every selected table as one, or none: RuleError naming each project that cannot be approved."""
    ids = sorted({i for i in project_ids if 1 <= i <= MAX_ID})
    if not ids:
        raise RuleError({"project_id": ["请至少选择一个绩效目标表"]})
    if len(ids) > MAX_BATCH:
        raise RuleError({"project_id": [f"一次最多批复 {MAX_BATCH} 个绩效目标表"]})
    query = select(Project).options(joinedload(Project.unit), joinedload(Project.budget_year))
    projects = list(db.session.scalars(query.where(Project.id.in_(ids)).order_by(Project.code)))
    refused = [] if len(projects) == len(ids) else ["有所选项目已不存在，请刷新页面后重新选择"]
    for project in projects:
        try:
            with db.session.begin_nested():  # a refused one leaves nothing behind, and the others are still checked
                take(TARGET, "approve", project, user, comment)
        except RuleError as error:
            refused.append(f"{project.code} {project.name}：{'；'.join(error.messages)}")
    if refused:
        raise RuleError([f"所选 {len(ids)} 个绩效目标表均未批复，以下项目不能批复：", *refused], "conflict")
    return projects
