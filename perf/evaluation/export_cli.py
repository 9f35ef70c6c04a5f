"""``perf export-self-eval [CODE|--all] [--year YYYY] --format xlsx|pdf --out PATH``: the 自评表 as a file.

One project, or with ``--all`` every project of the year: one sheet per project in one XLSX, or
one PDF with a page (or more) per project.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from perf.cli_chinese import output_folder_exists
from perf.evaluation.reports import layouts_of, pdf, xlsx
from perf.extensions import db
from perf.org.models import BudgetYear, Unit
from perf.projects.models import Project
from perf.projects.queries import project_by_code, with_tables


def _year(year: int | None) -> BudgetYear:
    query = select(BudgetYear).order_by(BudgetYear.year.desc()).limit(1)
    if year is not None:
        query = query.where(BudgetYear.year == year)
    found = db.session.scalar(query)
    if found is None:
        raise click.ClickException(f"没有 {year} 预算年度" if year else "还没有任何预算年度")
    return found


def _projects(code: str | None, all_projects: bool, year: int | None) -> list[Project]:
    if bool(code) == all_projects:
        raise click.UsageError("请给出一个项目编码，或使用 --all 导出该年度全部项目（二者选一）")
    if code:
        project = project_by_code(code, year)
        if project is None:
            raise click.ClickException(f"{year or '任何'} 年度中没有项目编码为 {code} 的项目")
        return [project]
    budget_year = _year(year)
    query = (
        select(Project)
        .join(Unit)
        .options(joinedload(Project.unit).joinedload(Unit.department))
        .where(Project.year_id == budget_year.id)
        .order_by(Unit.department_id, Unit.id, Project.code)
    )
    projects = with_tables(list(db.session.scalars(query)), plan=False)
    if not projects:
        raise click.ClickException(f"{budget_year.year} 年度没有项目")
    return projects


@click.command("export-self-eval", help="把项目支出绩效自评表导出为 XLSX 或 PDF（一个项目，或用 --all 导出全年度）。")
@click.argument("code", required=False)
@click.option("--all", "all_projects", is_flag=True, help="导出该年度全部项目（每个项目一个工作表 / 一页）")
@click.option("--year", type=int, help="预算年度（默认：最近的年度）")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf"]), required=True, help="文件格式")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=output_folder_exists,
    help="输出文件",
)
@with_appcontext
def export_self_eval(code: str | None, all_projects: bool, year: int | None, fmt: str, out: Path) -> None:
    """Export the 项目支出绩效自评表 as XLSX or PDF."""
    projects = _projects(code, all_projects, year)
    layouts = layouts_of(projects)
    if fmt == "xlsx":
        data = xlsx.to_bytes(layouts)
    else:
        try:
            data = pdf.to_bytes(layouts)
        except pdf.PdfUnavailable as exc:
            raise click.ClickException(f"{exc} {exc.setup}") from exc
    out.write_bytes(data)
    click.echo(f"已导出 {len(layouts)} 个项目的绩效自评表到 {out}")
