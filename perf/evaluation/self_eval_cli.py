"""``perf self-eval CODE``: a project's year-end self-evaluation score, computed from what perf knows."""

import json

import click
from flask.cli import with_appcontext

from perf.evaluation.services import evaluation_of
from perf.projects.queries import project_by_code


@click.command("self-eval", help="计算项目的绩效自评得分（预算执行率、各指标、总分、等级、自评预警）。")
@click.argument("code")
@click.option("--year", type=int, help="预算年度（默认：包含该项目的最近年度）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出评分")
@with_appcontext
def self_eval(code: str, year: int | None, as_json: bool) -> None:
    """Score a project's 绩效自评 (预算执行率, every indicator, total, grade, warning)."""
    project = project_by_code(code, year)
    if project is None:
        raise click.ClickException(f"{year or '任何'} 年度中没有项目编码为 {code} 的项目")
    result = evaluation_of(project)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    data = result.to_json()
    execution = data["execution"]
    click.echo(f"{project.code} {project.name}（{project.budget_year.year} 年度）")
    click.echo(
        f"预算执行率：{execution['rate'] or '—'}%（{execution['spent']} / {execution['budget']} 万元），"
        f"得分 {execution['score']}"
    )
    for row in data["indicators"]:
        click.echo(
            f"  {row['level1']}/{row['level2']}/{row['name']}：目标 {row['target']}，实际 {row['actual'] or '—'}，"
            f"分值 {row['weight']}，得分 {row['score']}"
        )
    click.echo(f"总分 {data['total']}，等级 {data['grade']}，自评预警 {data['warning']}")
    for problem in result.problems:
        click.echo(f"待补充：{problem}")
