"""The milestone scan (支出进度检查): its runs, a run for any date, and each project's status on a date."""

from datetime import date

from flask_login import current_user

from perf.alerts import bookkeeping
from perf.api import examples, queries
from perf.api.common import Blueprint, PageArgs, allow, api_abort, not_found, page_list, page_of, paginate
from perf.auth.permissions import Perm
from perf.fields import Choice, Day, Flag, Id, Int, Items, Moment, Money, Obj, PerfSchema, Text, WanMoney, Year
from perf.spending.lag import LEVELS
from perf.spending.status import compute, scan_year

blp = Blueprint("api_scans", __name__, url_prefix="/api/v1/scans", description="支出进度检查（双监控）")

LAGGING = ("yellow", "red")


class ScanRunSchema(PerfSchema):
    """One run of the scan."""

    id = Int(dump_only=True, metadata={"description": "检查记录编号"})
    as_of = Day(dump_only=True, metadata={"description": "检查日期"})
    source = Text(dump_only=True, metadata={"description": "cli 命令行 / scheduler 定时任务 / api 接口"})
    started_at = Moment(dump_only=True, metadata={"description": "开始时间"})
    finished_at = Moment(dump_only=True, allow_none=True, metadata={"description": "结束时间（进行中为空）"})
    projects = Int(dump_only=True, metadata={"description": "检查的项目数"})
    alerts_opened = Int(dump_only=True, metadata={"description": "新开预警数"})
    alerts_escalated = Int(dump_only=True, metadata={"description": "升级预警数"})
    alerts_resolved = Int(dump_only=True, metadata={"description": "解除预警数"})


class StatusSchema(PerfSchema):
    """One project's spending status on the scan date (percents of 预算数)."""

    project_id = Int(dump_only=True)
    code = Text(dump_only=True)
    name = Text(dump_only=True)
    unit_id = Int(dump_only=True)
    checkpoint = Day(dump_only=True, allow_none=True, metadata={"description": "已过的最近节点"})
    checkpoint_label = Text(dump_only=True, allow_none=True)
    planned_pct = Money(metadata={"description": "计划累计支出进度（%）"})
    actual_pct = Money(allow_none=True, metadata={"description": "实际累计支出进度（%）；预算为 0 时为 null"})
    gap_pp = Money(allow_none=True, metadata={"description": "落后的百分点"})
    ratio = Money(allow_none=True, metadata={"description": "实际 ÷ 计划 × 100"})
    level = Text(dump_only=True, metadata={"description": "green 绿灯 / yellow 黄灯 / red 红灯"})
    time_pct = Money(metadata={"description": "序时进度（%）"})
    budget = WanMoney(metadata={"description": "预算数（万元）"})
    paid_yuan = Money(attribute="paid", metadata={"description": "已支付（元）"})
    has_plan = Flag(dump_only=True)
    forecast_pct = Money(
        allow_none=True,
        metadata={
            "description": "按目前进度预计 12月底执行率（%，取整）；首个安排支出的节点之前、无计划或预算为 0 时为 null"
        },
    )
    forecast_short = Flag(
        dump_only=True, metadata={"description": "true：当前为绿灯，但年底预计执行率比 100% 低出设定的幅度以上"}
    )
    over_budget = Flag(dump_only=True, metadata={"description": "true：已支付超过预算数（超支），不按普通绿灯显示"})


class ScanArgs(PerfSchema):
    """Run a scan."""

    as_of = Day(required=True, metadata={"description": "检查日期，如 2024-07-01"})
    year = Year(metadata={"description": "预算年度（默认：检查日期所在年度）"})


class StatusArgs(PageArgs):
    """Filter the statuses of a date."""

    year = Year(metadata={"description": "预算年度（默认：该日期所在年度）"})
    level = Choice(LEVELS, metadata={"description": "green / yellow / red"})
    lagging = Flag(metadata={"description": "true：只列黄灯和红灯（滞后）的项目"})
    unit_id = Id()


class LevelCountSchema(PerfSchema):
    """Projects per light."""

    red = Int(dump_only=True)
    yellow = Int(dump_only=True)
    green = Int(dump_only=True)


class ScanResultSchema(PerfSchema):
    """What a run found and changed, and the lagging projects the caller may see."""

    run = Obj(ScanRunSchema, dump_only=True)
    year = Int(dump_only=True, allow_none=True)
    counts = Obj(LevelCountSchema, dump_only=True)
    opened = Int(dump_only=True)
    escalated = Int(dump_only=True)
    resolved = Int(dump_only=True)
    reminders = Int(dump_only=True)
    lagging = Items(Obj(StatusSchema), dump_only=True)


def _seen(statuses, user, budget_year) -> list:
    """The statuses of projects the user may see."""
    if not statuses:
        return []
    allowed = queries.visible_project_ids(user, budget_year)
    return [s for s in statuses if s.project_id in allowed]


@blp.route("", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(ScanRunSchema))
def list_scans(args):
    """列出进度检查记录

    每次支出进度检查（双监控）的日期、时间和结果统计，新的在前，分页。
    ---
    List scan runs, newest first
    """
    return paginate(queries.scan_runs(), args)


@blp.route("/latest", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.response(200, ScanRunSchema)
def latest_scan():
    """最近一次进度检查

    最近一次支出进度检查的记录；还没有检查过时返回 404。
    ---
    The latest scan run (404 before the first)
    """
    return queries.latest_scan_run() or not_found("检查记录")


@blp.route("", methods=["POST"])
@allow(Perm.ORG_ADMIN)
@blp.arguments(ScanArgs, example=examples.SCAN)
@blp.response(201, ScanResultSchema)
def run_scan(body):
    """执行进度检查

    按指定日期比较各项目的实际支付与资金支出计划：新开、升级或解除预警，并返回滞后的项目。
    通知由调度程序的发送任务（每 5 分钟）发出。
    ---
    Run the scan for a date: open, escalate and resolve alerts; answer the lagging projects

    Notifications are queued and sent by the scheduler's delivery job (every 5 minutes).
    """
    as_of = body["as_of"]
    budget_year = scan_year(as_of, body.get("year"))
    if budget_year is None:
        api_abort(422, "没有可检查的预算年度", {"as_of": [f"{as_of.year} 年及以前没有预算年度数据"]})
    result = bookkeeping.run_scan(as_of, source="api", year=body.get("year"))
    statuses = _seen(result.statuses, current_user, budget_year)
    return {
        "run": queries.scan_run(result.run_id),
        "year": result.year,
        "counts": {level: sum(s.level == level for s in statuses) for level in LEVELS},
        "opened": result.opened,
        "escalated": result.escalated,
        "resolved": result.resolved,
        "reminders": result.reminders,
        "lagging": [s for s in statuses if s.level in LAGGING],
    }


@blp.route("/<isodate:as_of>/projects", methods=["GET"], parameters=[examples.AS_OF])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(StatusArgs, location="query")
@blp.response(200, page_of(StatusSchema))
def scan_statuses(args, as_of: date):
    """各项目支出进度

    指定日期各项目的支出进度（计划与实际累计百分比、差距、比值和预警灯），只读；`lagging=true` 时只列滞后的项目。
    ---
    Each project's spending status on a date, read-only (``lagging=true``: only the lagging ones)
    """
    budget_year = scan_year(as_of, args.get("year"))
    if budget_year is None:
        not_found(f"{as_of.year} 年及以前的预算年度")
    found = _seen(compute(as_of, budget_year), current_user, budget_year)
    if args.get("lagging"):
        found = [s for s in found if s.level in LAGGING]
    if args.get("level"):
        found = [s for s in found if s.level == args["level"]]
    if args.get("unit_id"):
        found = [s for s in found if s.unit_id == args["unit_id"]]
    return page_list(found, args)
