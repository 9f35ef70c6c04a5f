"""``perf import-targets``: a flat target table from the command line."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from perf.boundary import committed
from perf.documents.cli import DROP_HELP, REPLACE_HELP, finish
from perf.targets.importer import import_targets_file


@click.command(
    "import-targets", help="导入平面格式的绩效目标表（每行一个指标，.xlsx 或 .csv，如预算管理一体化系统导出的表）。"
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2999), help="预算年度（默认：取自标题，如“（2023年度）”）")
@click.option("--replace", is_flag=True, help=REPLACE_HELP)
@click.option("--drop-recorded", is_flag=True, help=DROP_HELP)
@with_appcontext
@committed
def import_targets_command(path: Path, year: int | None, replace: bool, drop_recorded: bool) -> None:
    """Import a flat target table (one row per indicator)."""
    finish(import_targets_file(path.read_bytes(), path.name, "cli", year, replace, drop_recorded))
