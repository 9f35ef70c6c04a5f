"""Read-side queries of the API: filtered, permission-restricted selects that the resources paginate."""

from sqlalchemy import String, cast, select
from sqlalchemy.orm import joinedload, selectinload

from perf.alerts.models import Alert, ScanRun
from perf.audit.models import AuditEntry
from perf.auth.permissions import visible
from perf.extensions import db
from perf.org.models import BudgetYear, Department, Unit
from perf.projects.models import Project
from perf.spending.models import Payment


def budget_year(year: int) -> BudgetYear | None:
    """The budget year, with its checkpoints."""
    return db.session.scalar(
        select(BudgetYear).options(selectinload(BudgetYear.checkpoints)).where(BudgetYear.year == year)
    )


def years():
    """Every budget year, newest first."""
    return select(BudgetYear).options(selectinload(BudgetYear.checkpoints)).order_by(BudgetYear.year.desc())


def departments():
    """Every department with its units, by code."""
    return select(Department).options(selectinload(Department.units)).order_by(Department.code)


def units(department: str | None):
    """Units, optionally of one department (by code)."""
    query = select(Unit).options(joinedload(Unit.department)).order_by(Unit.id)
    if department:
        query = query.join(Department).where(Department.code == department)
    return query


def projects(user, args: dict):
    """The projects ``user`` may see, filtered; newest year first, then by code."""
    query = (
        select(Project)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .join(Unit, Unit.id == Project.unit_id)
        .options(joinedload(Project.budget_year), joinedload(Project.unit).joinedload(Unit.department))
        .order_by(BudgetYear.year.desc(), Project.code)
    )
    if args.get("year"):
        query = query.where(BudgetYear.year == args["year"])
    if args.get("unit_id"):
        query = query.where(Project.unit_id == args["unit_id"])
    if args.get("status"):
        query = query.where(Project.status == args["status"])
    if args.get("code"):
        query = query.where(Project.code == args["code"])
    if args.get("department"):
        query = query.where(Unit.department_id.in_(select(Department.id).where(Department.code == args["department"])))
    return visible(query, user, Project)


def payments(user, args: dict):
    """Payments of the projects ``user`` may see, filtered; by date, then id."""
    query = (
        select(Payment)
        .join(Project, Project.id == Payment.project_id)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .order_by(Payment.paid_on, Payment.id)
    )
    if args.get("project_id"):
        query = query.where(Payment.project_id == args["project_id"])
    if args.get("year"):
        query = query.where(BudgetYear.year == args["year"])
    if args.get("date_from"):
        query = query.where(Payment.paid_on >= args["date_from"])
    if args.get("date_to"):
        query = query.where(Payment.paid_on <= args["date_to"])
    if args.get("voucher_no"):
        query = query.where(Payment.voucher_no == args["voucher_no"])
    return visible(query, user, Project)


def alerts(user, args: dict):
    """Alerts on the projects ``user`` may see (not the ones a scan has yet to open), newest first."""
    query = (
        select(Alert)
        .join(Project, Project.id == Alert.project_id)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .options(joinedload(Alert.project).joinedload(Project.budget_year))
        .where(Alert.status != "new")
        .order_by(Alert.opened_at.desc(), Alert.id.desc())
    )
    for name, column in (("status", Alert.status), ("level", Alert.level), ("kind", Alert.kind)):
        if args.get(name):
            query = query.where(column == args[name])
    if args.get("project_id"):
        query = query.where(Alert.project_id == args["project_id"])
    if args.get("unit_id"):
        query = query.where(Project.unit_id == args["unit_id"])
    if args.get("year"):
        query = query.where(BudgetYear.year == args["year"])
    return visible(query, user, Project)


def scan_runs():
    """Scan runs, newest first."""
    return select(ScanRun).order_by(ScanRun.id.desc())


def audit(user, args: dict):
    """Audit entries, newest first: admins see all; reviewers the entries on their department's projects."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    for name, column in (("action", AuditEntry.action), ("actor", AuditEntry.actor)):
        if args.get(name):
            query = query.where(column == args[name])
    if args.get("object_type"):
        query = query.where(AuditEntry.object_type == args["object_type"])
    if args.get("project_id"):
        query = query.where(AuditEntry.object_type == "project", AuditEntry.object_id == str(args["project_id"]))
    if args.get("since"):
        query = query.where(AuditEntry.at >= args["since"])
    if args.get("until"):
        query = query.where(AuditEntry.at < args["until"])
    if user.role != "admin":
        seen = visible(select(cast(Project.id, String)), user, Project)
        query = query.where(AuditEntry.object_type == "project", AuditEntry.object_id.in_(seen))
    return query


def payment_place(payment: Payment) -> tuple[str, int]:
    """The 项目编码 and budget year of a payment's project."""
    query = select(Project.code, BudgetYear.year).join(BudgetYear).where(Project.id == payment.project_id)
    return tuple(db.session.execute(query).one())


def unit(unit_id: int) -> Unit | None:
    """One unit."""
    return db.session.get(Unit, unit_id)


def visible_project_ids(user, budget_year: BudgetYear) -> set[int]:
    """Ids of the year's projects the user may see."""
    query = select(Project.id).where(Project.year_id == budget_year.id)
    return set(db.session.scalars(visible(query, user, Project)))


def latest_scan_run() -> ScanRun | None:
    """The newest scan run."""
    return db.session.scalar(scan_runs().limit(1))


def scan_run(run_id: int) -> ScanRun | None:
    """One scan run."""
    return db.session.get(ScanRun, run_id)
