"""Alert commands: the scan, delivering queued messages, and the scheduler process."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from perf import clock
from perf.alerts.bookkeeping import run_scan
from perf.alerts.delivery import deliver_pending
from perf.alerts.scheduler import run_blocking
from perf.alerts.schemas import StatusSchema
from perf.boundary import after_commit, committed


@click.command("scan", help="对照资金支出计划检查每个项目的支付进度，发出、升级或解除预警。")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="检查日期（默认：今天）")
@click.option("--year", type=int, help="预算年度（默认：检查日期所在年度）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出每个项目的状态")
@click.option("--no-deliver", is_flag=True, help="只排队，不发送通知")
@with_appcontext
@committed
def scan(as_of, year: int | None, as_json: bool, no_deliver: bool) -> None:
    """Compare every project's payments with its 资金支出计划 and raise alerts."""
    day = as_of.date() if as_of else clock.today()
    result = run_scan(day, source="cli", year=year)
    if as_json:
        click.echo(json.dumps(StatusSchema(many=True).dump(result.statuses), ensure_ascii=False, indent=2))
        if not no_deliver:
            after_commit(deliver_pending)
        return
    if result.year is None:
        raise click.ClickException(f"{day.year} 年及以前没有预算年度数据")
    counts = {level: sum(s.level == level for s in result.statuses) for level in ("red", "yellow", "green")}
    click.echo(
        f"{day.isoformat()} 检查 {result.year} 年度 {len(result.statuses)} 个项目：红灯 {counts['red']}，"
        f"黄灯 {counts['yellow']}，绿灯 {counts['green']}；新预警 {result.opened}，升级 {result.escalated}，"
        f"解除 {result.resolved}，节点提醒 {result.reminders}"
    )
    if not no_deliver:  # messages go out only once the scan's alerts and outbox are committed
        after_commit(lambda: _report(deliver_pending()))


def _report(report) -> None:
    click.echo(f"通知：发送 {len(report.sent)}，待重试 {len(report.retried)}，失败 {len(report.failed)}")


@click.command("deliver", help="发送到期的待发通知（含失败后的重试）。")
@with_appcontext
def deliver() -> None:
    """Send queued notifications that are due (retries included)."""
    _report(deliver_pending())


@click.command("scheduler", help="在本进程运行调度器（每个部署只运行一个）：每日检查和通知重试。")
@with_appcontext
def scheduler() -> None:
    """Run the scheduler in this process (exactly one per deployment): the daily scan and retries."""
    click.echo(
        f"perf 调度器已启动：每天 {current_app.config['SCAN_TIME']}（{current_app.config['TIMEZONE']}）检查支出进度"
    )
    run_blocking(current_app._get_current_object())
