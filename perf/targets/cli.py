"""``perf import-targets``: a flat target table from the command line."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from perf.boundary import committed
from perf.documents.cli import print_summary
from perf.errors import fail_file
from perf.targets.importer import import_targets_file


@click.command(
    "import-targets", help="导入平面格式的绩效目标表（每行一个指标，.xlsx 或 .csv，如预算管理一体化系统导出的表）。"
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2999), help="预算年度（默认：取自标题，如“（2023年度）”）")
@click.option("--replace", is_flag=True, help="以文件内容覆盖已存在且内容不同的项目")
@with_appcontext
@committed
def import_targets_command(path: Path, year: int | None, replace: bool) -> None:
    """Import a flat target table (one row per indicator)."""
    result = import_targets_file(path.read_bytes(), path.name, "cli", year, replace)
    if not result.ok:
        fail_file(result.problems, "未导入任何内容")
    print_summary(result)
