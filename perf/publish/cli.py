"""``perf export-disclosure --department CODE --year YYYY --format docx|xlsx --out PATH`` and
``perf export-project CODE [--year YYYY] --format json``."""

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from perf.cli_chinese import output_folder_exists
from perf.projects.queries import project_by_code
from perf.publish import services
from perf.publish.queries import project_document, publication


@click.command(
    "export-disclosure",
    help="把一个部门一个年度的全部项目绩效目标表导出为公开格式："
    "Word（部门项目预算安排情况及绩效目标）或 Excel（一体化平面表）。",
)
@click.option("--department", "code", required=True, help="部门编码，如 306")
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="预算年度，如 2024")
@click.option("--format", "fmt", type=click.Choice(sorted(services.FORMATS)), required=True, help="文件格式")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    callback=output_folder_exists,
    help="输出文件",
)
@with_appcontext
def export_disclosure(code: str, year: int, fmt: str, out: Path) -> None:
    """Write a department's 绩效目标表 of one year in a published layout."""
    found = publication(code, year)
    if found is None:
        raise click.ClickException(f"没有部门 {code} 或没有 {year} 预算年度")
    problems = services.problems(found, fmt)
    if problems:
        raise click.ClickException("；".join(problems))
    out.write_bytes(services.render(found, fmt))
    what = f"{found.department_code} {found.department_name} {found.year} 年度，{len(found.projects)} 个项目"
    click.echo(f"已导出：{out}（{what}）")


@click.command("export-project", help="输出一个项目的绩效目标表（JSON，写到标准输出）。")
@click.argument("code")
@click.option("--year", type=int, help="预算年度（默认：包含该项目的最近年度）")
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True, help="输出格式")
@with_appcontext
def export_project(code: str, year: int | None, fmt: str) -> None:
    """Print one project's 绩效目标表 (JSON on stdout): amounts in 万元 and in 元, each indicator's weight."""
    project = project_by_code(code, year)
    if project is None:
        where = f"{year} 年度" if year else "任何年度"
        raise click.ClickException(f"{where}中没有项目编码为 {code} 的项目")
    click.echo(json.dumps(project_document(project), ensure_ascii=False, indent=2))
