"""Project commands: export a 绩效目标表."""

import json

import click
from flask.cli import with_appcontext

from perf.projects.queries import project_by_code
from perf.projects.schemas import ProjectTableSchema


@click.command("export-project", help="输出一个项目的绩效目标表（JSON，写到标准输出）。")
@click.argument("code")
@click.option("--year", type=int, help="预算年度（默认：包含该项目的最近年度）")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True, help="输出格式")
@with_appcontext
def export_project(code: str, year: int | None, fmt: str) -> None:
    """Print one project's 绩效目标表 (JSON on stdout)."""
    project = project_by_code(code, year)
    if project is None:
        where = f"{year} 年度" if year else "任何年度"
        raise click.ClickException(f"{where}中没有项目编码为 {code} 的项目")
    click.echo(json.dumps(ProjectTableSchema().dump(project), ensure_ascii=False, indent=2))
