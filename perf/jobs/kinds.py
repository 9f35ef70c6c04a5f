"""What a job can do, one table: each kind's label, who may start it and the work it runs.

The exports and the scan are declared here; a room whose work this room must not know (the upload
check of perf.imports, which starts jobs itself) adds its kind with ``register`` when it is imported.
A kind's ``run(params, user, progress)`` does the work as ``user`` (it sees what they see),
calls ``progress(done, total)`` as it goes and returns an ``Outcome``: a file to download
and/or a line for the job page. It raises ``JobRefused`` with a Chinese reason when it cannot
be done (nothing to export); the runner keeps that reason on the job.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from perf.alerts.bookkeeping import run_scan
from perf.alerts.delivery import deliver_pending
from perf.auth.permissions import visible
from perf.boundary import after_commit
from perf.evaluation.reports import layouts_of, pdf, summary_pdf, summary_xlsx, xlsx
from perf.evaluation.reports.summary import summary_for
from perf.extensions import db
from perf.midyear import queries as midyear_queries
from perf.midyear import xlsx as midyear_xlsx
from perf.midyear.settings import round_date
from perf.org.models import BudgetYear, Department, Unit
from perf.projects.models import Project
from perf.projects.queries import with_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
FORMATS = {"xlsx": ("Excel", XLSX), "pdf": ("PDF", PDF)}

Progress = Callable[[int, int], None]


class JobRefused(Exception):
    """The job cannot be done; the message says why, in Chinese."""


@dataclass
class Outcome:
    """What a finished job leaves: a file (``data`` with its download ``name``) and/or a ``note``."""

    data: bytes | None = None
    name: str = ""
    mimetype: str = ""
    note: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of job: its Chinese label, whether it takes a format, and its work."""

    label: str
    run: Callable[[dict, object, Progress], Outcome]
    formats: tuple[str, ...] = ()
    #: Roles that may start it (None: everyone who may view projects).
    roles: tuple[str, ...] | None = None
    #: Told ``(params, reason)`` when the job fails or its worker stops, to leave its own record saying so.
    failed: Callable[[dict, str], None] | None = None


def _department_projects(params: dict, user) -> list[Project]:
    """The projects of the department and year in ``params`` that ``user`` may see, as the reports order them."""
    query = (
        select(Project)
        .join(Unit)
        .join(Department, Unit.department_id == Department.id)
        .join(BudgetYear, Project.year_id == BudgetYear.id)
        .options(joinedload(Project.unit).joinedload(Unit.department))
        .where(Department.code == params["department"], BudgetYear.year == params["year"])
        .order_by(Unit.id, Project.code)
    )
    projects = with_tables(list(db.session.scalars(visible(query, user, Project))), plan=False)
    if not projects:
        raise JobRefused(f"{params['year']} 年度该部门没有您可以导出的项目。")
    return projects


def self_evaluations(params: dict, user, progress: Progress) -> Outcome:
    """Every visible project's 自评表: one XLSX (a sheet each) or one PDF (a page or more each)."""
    projects = _department_projects(params, user)
    total = len(projects)
    progress(0, total)
    if params["format"] == "pdf":
        data = pdf.to_bytes_each(projects, layouts_of, progress)
    else:
        data = xlsx.to_bytes(layouts_of(projects))
        progress(total, total)
    name = f"{params['department']}-项目支出绩效自评表-{params['year']}-全部项目.{params['format']}"
    return Outcome(data, name, FORMATS[params["format"]][1], f"共 {total} 个项目")


def summary(params: dict, user, progress: Progress) -> Outcome:
    """The department's 自评汇总表 as XLSX or PDF."""
    progress(0, 2)
    found = summary_for(params["department"], params["year"], user)
    if found is None:
        raise JobRefused("没有这个部门或预算年度。")
    progress(1, 2)
    data = summary_pdf.to_bytes(found) if params["format"] == "pdf" else summary_xlsx.to_bytes(found)
    name = f"{found.department_code}-项目支出绩效自评汇总表-{found.year}.{params['format']}"
    return Outcome(data, name, FORMATS[params["format"]][1], f"共 {len(found.rows)} 个项目")


def midyear_sheets(params: dict, user, progress: Progress) -> Outcome:
    """Every visible project's 监控表 in one workbook, a sheet per project (worst light first)."""
    overview = midyear_queries.overview(params["department"], params["year"], round_date, user)
    if overview is None or not overview.sheets:
        raise JobRefused(f"{params['year']} 年度该部门没有您可以导出的项目。")
    book = Workbook()
    book.remove(book.active)
    total = len(overview.sheets)
    for done, sheet in enumerate(overview.sheets, start=1):
        midyear_xlsx.write_sheet(book.create_sheet(sheet.project.code[-31:]), sheet)
        progress(done, total)
    buffer = BytesIO()
    book.save(buffer)
    name = f"{params['department']}-绩效运行监控表-{overview.round_on.isoformat()}-全部项目.xlsx"
    return Outcome(buffer.getvalue(), name, XLSX, f"共 {total} 个项目")


def scan(params: dict, user, progress: Progress) -> Outcome:
    """The milestone scan for ``as_of``, as the daily one does; messages go out after its commit."""
    progress(0, 1)
    result = run_scan(date.fromisoformat(params["as_of"]), source="web")
    after_commit(deliver_pending)
    if result.year is None:
        raise JobRefused("这一天还没有任何预算年度，没有可以扫描的项目。")
    note = (
        f"已扫描 {result.year} 年度 {len(result.statuses)} 个项目：新增预警 {result.opened} 条，"
        f"升级 {result.escalated} 条，已追上进度 {result.resolved} 条"
    )
    return Outcome(note=note)


#: Every kind of job, by its stored code.
KINDS: dict[str, Kind] = {
    "self_evaluations": Kind("全部项目绩效自评表", self_evaluations, formats=("pdf", "xlsx")),
    "summary": Kind("项目支出绩效自评汇总表", summary, formats=("pdf", "xlsx")),
    "midyear": Kind("全部项目绩效运行监控表（Excel）", midyear_sheets),
    "scan": Kind("执行进度扫描", scan, roles=("reviewer", "admin")),
}


def register(code: str, kind: Kind) -> None:
    """Add a kind declared by another room (once: the same code twice is a mistake)."""
    if code in KINDS and KINDS[code] is not kind:
        raise ValueError(f"job kind {code!r} is declared twice")
    KINDS[code] = kind
