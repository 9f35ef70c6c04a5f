"""Document commands: import a published 部门预算 document, load the bundled sample."""

from importlib import resources
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from perf.auth.demo import ensure_demo_users
from perf.boundary import committed
from perf.documents.budget_checks import summary_lines
from perf.documents.disclosure import load_disclosure
from perf.documents.flat import FlatTargets
from perf.documents.importer import ImportResult, import_disclosure, sha256
from perf.errors import fail_file
from perf.extensions import db
from perf.numbers import wan_text
from perf.org.models import Department

SAMPLE = "sample/fengnan_approval_bureau_2024.txt"
#: What a replace refused for recorded data says last.
CONFIRM_DROP = "如确认删除上述指标及其已填报的数据，请加 --drop-recorded 重新导入。"
#: --replace and --drop-recorded, on both importing commands.
REPLACE_HELP = "以文件内容覆盖已存在且内容不同的项目（按一级、二级、三级指标匹配，保留已填报的数据）"
DROP_HELP = "覆盖时确认删除文件中已没有、但已填报实际完成值、监控或自评数据的指标（连同这些数据）"


@click.command("import-disclosure", help="导入部门预算公开文件（.docx 或其文本导出）。")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help=REPLACE_HELP)
@click.option("--drop-recorded", is_flag=True, help=DROP_HELP)
@with_appcontext
@committed
def import_disclosure_command(path: Path, replace: bool, drop_recorded: bool) -> None:
    """Import a 部门预算公开 document (.docx, or its text export)."""
    _run_import(path.read_bytes(), path.name, replace, drop_recorded)


@click.command("demo", help="把自带的示例部门（2024 年丰南区行政审批局）载入数据库。")
@with_appcontext
@committed
def demo() -> None:
    """Load the bundled sample department (2024 丰南区行政审批局) into the database."""
    data = resources.files("perf.documents").joinpath(SAMPLE).read_bytes()
    result = _run_import(data, Path(SAMPLE).name, replace=False)
    department = db.session.scalar(select(Department).where(Department.code == result.disclosure.department_code))
    accounts = ensure_demo_users(department)
    for username, password, label in accounts:
        click.echo(f"演示账户：{username} / {password}（{label}，仅供本机试用）")


def _run_import(data: bytes, filename: str, replace: bool, drop_recorded: bool = False) -> ImportResult:
    """Parse and import; on problems print them and exit 1 (the command's boundary rolls back)."""
    disclosure = load_disclosure(data, filename)
    result = import_disclosure(disclosure, sha256(data), actor="cli", replace=replace, drop_recorded=drop_recorded)
    finish(result)
    return result


def finish(result: ImportResult) -> None:
    """The summary of an import, or its problems and exit 1 (a refused drop says how to confirm it)."""
    if not result.ok:
        asked = any(row.recorded for _, row in result.dropped)
        fail_file(result.problems, "未导入任何内容", CONFIRM_DROP if asked else "")
    print_summary(result)


def print_summary(result: ImportResult) -> None:
    """A short summary of what the document held and what changed."""
    d = result.disclosure
    total = sum((t.total for t in d.projects), start=0)
    click.echo(f"部门：{d.department_code} {d.department_name}")
    click.echo(f"年度：{d.year}")
    click.echo(f"单位：{len(d.units)} 个（{'、'.join(u.name for u in d.units)}）")
    click.echo(
        f"项目：{len(d.projects)} 个（新增 {len(result.created)}，覆盖 {len(result.replaced)}，"
        f"未变 {len(result.unchanged)}）"
    )
    if isinstance(d, FlatTargets):
        click.echo(f"项目预算合计：{wan_text(total)} 万元（文件金额单位：{d.amount_unit}）")
        click.echo(f"自评权重：{result.weighted} 个指标")
        if d.ignored_columns:
            click.echo(f"未读取的列：{'、'.join(d.ignored_columns)}")
    else:
        click.echo(f"项目预算合计：{wan_text(total)} 万元（支出总表项目支出：{wan_text(d.stated_project)} 万元）")
    if result.replaced:
        counts = result.row_counts()
        click.echo(
            f"覆盖项目的指标：保留 {counts['kept']} 项，变更 {counts['changed']} 项，"
            f"删除 {counts['dropped']} 项，新增 {counts['added']} 项"
        )
        for table, row in result.dropped:
            click.echo(f"删除的指标：{table.code} {table.name}：{row.described}")
    for line in budget_lines(d):
        click.echo(line)
    click.echo(f"警告：{len(d.warnings)} 条")
    for warning in d.warnings:
        click.echo(f"警告 {warning}")


def budget_lines(disclosure) -> list[str]:
    """What the summary says of the budget tables: which were read, what each check compared and found."""
    if not disclosure.budget_tables and not isinstance(disclosure, FlatTargets):
        return ["部门预算表：未找到"]
    return summary_lines(disclosure.budget_tables, disclosure.budget_checks)
