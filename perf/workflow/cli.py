"""``perf step WORKFLOW CODE STEP --as USER``: take a workflow step from the command line, by the same table."""

import click
from flask.cli import with_appcontext

from perf.auth.queries import find_user
from perf.boundary import committed
from perf.projects.queries import project_by_code
from perf.workflow.engine import WORKFLOWS, take


@click.command(
    "step",
    help="以某用户身份办理流程步骤：target（绩效目标表）或 self_evaluation（绩效自评），如 submit、approve、sign。",
)
@click.argument("workflow")
@click.argument("code")
@click.argument("step")
@click.option("--as", "username", required=True, help="以哪个用户的身份操作（用户名）")
@click.option("--comment", default="", help="意见或原因（退回、调整、重新打开时必填）")
@click.option("--year", type=int, help="预算年度（默认：包含该项目的最近年度）")
@with_appcontext
@committed(labels={"comment": "意见"})
def step(workflow: str, code: str, step: str, username: str, comment: str, year: int | None) -> None:
    """Take a workflow step: target (绩效目标表) or self_evaluation (绩效自评), e.g. submit, approve, sign."""
    declared = WORKFLOWS.get(workflow)
    if declared is None:
        raise click.ClickException(f"没有流程 {workflow}（可选：{'、'.join(sorted(WORKFLOWS))}）")
    if step not in declared.by_step:
        raise click.ClickException(f"{declared.label}没有步骤 {step}（可选：{'、'.join(declared.by_step)}）")
    user = find_user(username)
    if user is None or not user.active:
        raise click.ClickException(f"没有启用的用户 {username}")
    project = project_by_code(code, year)
    if project is None:
        raise click.ClickException(f"{year or '任何'} 年度中没有项目编码为 {code} 的项目")
    subject = take(declared, step, project, user, comment)
    click.echo(f"{project.code} {project.name}：{declared.transition(step).done}（{declared.state_label(subject)}）")
