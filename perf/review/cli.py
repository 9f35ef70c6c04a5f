"""Review command: run the automatic target review over one project's 绩效目标表."""

import json

import click
from flask.cli import with_appcontext

from perf import tunables
from perf.projects.queries import project_by_code
from perf.review import rules
from perf.review.rules import Finding, Severity

SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告"}
#: Exit status when errors block submission (a missing project is refused input too: 1, as in every command).
BLOCKED = 1


@click.command(
    "review",
    help="对一个项目的绩效目标表做目标审核。\n\n退出码：0 无错误（可有警告），1 有阻止提交的错误或项目不存在。",
)
@click.argument("code")
@click.option("--year", type=int, help="预算年度（默认：包含该项目的最近年度）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出审核结果")
@with_appcontext
def review(code: str, year: int | None, as_json: bool) -> None:
    """Review one project's 绩效目标表 (目标审核).

    Exit status: 0 no errors (warnings allowed), 1 errors that block submission or no such project.
    """
    project = project_by_code(code, year)
    if project is None:
        where = f"{year} 年度" if year else "任何年度"
        raise click.ClickException(f"{where}中没有项目编码为 {code} 的项目")
    findings = rules.review(rules.table_input(project, tunables.get("extra_units")))
    if as_json:
        click.echo(json.dumps([_as_dict(f) for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_readable(f"{project.code} {project.name}（{project.budget_year.year} 年度）", findings)
    if rules.blocking(findings):
        raise click.exceptions.Exit(BLOCKED)


def _as_dict(finding: Finding) -> dict:
    """The JSON shape of one finding."""
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "indicator": finding.indicator,
    }


def _print_readable(title: str, findings: list[Finding]) -> None:
    """A Chinese list: a summary line, then one line per finding."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    click.echo(f"项目 {title}：错误 {errors} 条，警告 {len(findings) - errors} 条")
    if not findings:
        click.echo("未发现问题。")
    for finding in findings:
        click.echo(f"[{SEVERITY_LABELS[finding.severity]}] {finding.message}（{finding.rule}）")
