"""Evaluation commands: import actual values (实际完成值)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from perf.actuals.importer import ActualsResult, import_actuals
from perf.boundary import committed
from perf.errors import fail_file


@click.command("import-actuals", help="从 CSV 或 XLSX 文件导入实际完成值（全部成功才写入；重复导入不产生变化）。")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="项目编码所属的预算年度（默认：含该编码的最近年度）")
@with_appcontext
@committed
def import_actuals_command(path: Path, year: int | None) -> None:
    """Import actual values from a CSV or XLSX file (all or nothing; re-importing changes nothing)."""
    result = import_actuals(path.read_bytes(), path.name, actor="cli", year=year)
    if not result.ok:
        fail_file(result.problems, "未导入任何实际完成值")
    _print_summary(result)


def _print_summary(result: ActualsResult) -> None:
    """新增 N 条，更新 M 条，未变 K 条 (and the columns not read)."""
    counts = len(result.created), len(result.updated), len(result.unchanged)
    click.echo("实际完成值：新增 {} 条，更新 {} 条，未变 {} 条".format(*counts))
    if result.ignored_columns:
        click.echo(f"未读取的列：{'、'.join(result.ignored_columns)}")
