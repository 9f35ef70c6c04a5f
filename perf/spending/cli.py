"""Payment commands: import a treasury payment system's export."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from perf.boundary import committed
from perf.errors import fail_file
from perf.numbers import fmt2
from perf.spending.importer import ImportResult, import_payments


@click.command("import-payments", help="从 CSV 或 XLSX 文件导入支付记录（全部成功才写入；重复导入不产生变化）。")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="项目编码所属的预算年度（默认：含该编码的最近年度）")
@with_appcontext
@committed
def import_payments_command(path: Path, year: int | None) -> None:
    """Import payments from a CSV or XLSX file (all or nothing; re-importing changes nothing)."""
    result = import_payments(path.read_bytes(), path.name, actor="cli", year=year)
    if not result.ok:
        fail_file(result.problems, "未导入任何记录")
    _print_summary(result)


def _print_summary(result: ImportResult) -> None:
    """新增 N 笔，未变 M 笔，合计金额 …元 (the file's payments, refunds netted)."""
    created = sum((d.amount for d in result.created), start=0)
    click.echo(
        f"新增 {len(result.created)} 笔，未变 {len(result.unchanged)} 笔，合计金额 {fmt2(result.total)} 元"
        f"（其中新增 {fmt2(created)} 元）"
    )
    if result.skipped_lines:
        click.echo(f"已跳过合计行：{'、'.join(f'第{line}行' for line in result.skipped_lines)}")
    if result.ignored_columns:
        click.echo(f"未读取的列：{'、'.join(result.ignored_columns)}")
