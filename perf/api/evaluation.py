"""Actual values (实际完成值, read and write) and the self-evaluation's scores (read).

Self-evaluation writes (weights, 定性 bands, submission, sign-off) come with that workflow.
"""

import hashlib
import json
from datetime import date

from flask import abort as flask_abort
from flask import request
from flask_login import current_user

from perf.actuals.models import ActualValue
from perf.actuals.schemas import ActualEntrySchema
from perf.actuals.services import actuals_of, latest_actuals, set_actual, stored_actual
from perf.api import examples
from perf.api.common import (
    Blueprint,
    PageArgs,
    allow,
    if_match_parameter,
    not_found,
    page_list,
    page_of,
    refuse_star_if_match,
)
from perf.auth.permissions import Perm, can_edit, can_view, loads
from perf.evaluation.services import evaluation_of
from perf.fields import Day, Exact, Int, Items, Obj, PerfSchema, Text
from perf.projects.models import Indicator
from perf.projects.queries import project_by_id

blp = Blueprint("api_evaluation", __name__, url_prefix="/api/v1/projects", description="实际完成值与绩效自评")


ACTUAL_PATH = "/<int:project_id>/indicators/<int:indicator_id>/actuals/<isodate:as_of>"
ACTUAL_PARAMETERS = [examples.PROJECT_ID, examples.INDICATOR_ID, examples.AS_OF]


class ActualArgs(PageArgs):
    """Which actual values."""

    latest_on = Day(metadata={"description": "只列每个指标在此日期（含）之前的最新值"})


class ActualSchema(PerfSchema):
    """The actual value of one indicator on one date."""

    id = Int(dump_only=True, metadata={"description": "实际完成值编号"})
    indicator_id = Int(dump_only=True, metadata={"description": "指标编号"})
    indicator = Text(attribute="indicator.name", dump_only=True, metadata={"description": "三级指标"})
    as_of = Day(dump_only=True, metadata={"description": "截至日期"})
    value = Text(attribute="value_text", dump_only=True, metadata={"description": "实际完成值，如 96%"})
    number = Exact(allow_none=True, metadata={"description": "实际完成值中的数值（定性为空）"})
    unit = Text(dump_only=True, allow_none=True, metadata={"description": "计量单位"})
    kind = Text(dump_only=True, metadata={"description": "quantitative 定量 / qualitative 定性"})
    note = Text(dump_only=True, metadata={"description": "备注"})
    reason = Text(dump_only=True, metadata={"description": "偏差原因"})
    entered_by = Text(dump_only=True, metadata={"description": "填写人（用户名）"})


class ExecutionSchema(PerfSchema):
    """预算执行率 and its score."""

    budget = Text(dump_only=True, metadata={"description": "全年预算数（万元）"})
    spent = Text(dump_only=True, metadata={"description": "全年执行数（万元）"})
    rate = Text(dump_only=True, allow_none=True, metadata={"description": "执行率（%）"})
    score = Text(dump_only=True)


class ScoredIndicatorSchema(PerfSchema):
    """One indicator's score."""

    level1 = Text(dump_only=True)
    level2 = Text(dump_only=True)
    name = Text(dump_only=True)
    target = Text(dump_only=True, metadata={"description": "年度指标值"})
    actual = Text(dump_only=True, allow_none=True, metadata={"description": "实际完成值"})
    weight = Text(dump_only=True, allow_none=True, metadata={"description": "分值"})
    score = Text(dump_only=True, allow_none=True, metadata={"description": "得分"})
    reason = Text(dump_only=True, allow_none=True, metadata={"description": "偏差原因分析及改进措施"})


class SelfEvaluationSchema(PerfSchema):
    """The self-evaluation's scores as perf computes them from payments, actual values and weights."""

    execution = Obj(ExecutionSchema, dump_only=True)
    indicators = Items(Obj(ScoredIndicatorSchema), dump_only=True)
    total = Text(dump_only=True, metadata={"description": "自评得分"})
    grade = Text(dump_only=True, metadata={"description": "等级：优 / 良 / 中 / 差"})
    warning = Text(dump_only=True, allow_none=True, metadata={"description": "自评预警"})


class AsOfArgs(PerfSchema):
    """Score as of a date."""

    as_of = Day(metadata={"description": "计算截止日期（默认：预算年度末）"})


def _indicator(project, indicator_id: int) -> Indicator:
    indicator = next((i for i in project.indicators if i.id == indicator_id), None)
    return indicator or not_found("指标")


def _etag(row: ActualValue | None) -> str:
    content = None if row is None else [row.value_text, row.note or "", row.reason or ""]
    return hashlib.sha1(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@blp.route("/<int:project_id>/actuals", methods=["GET"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(ActualArgs, location="query")
@blp.response(200, page_of(ActualSchema))
@loads("project_id", project_by_id, can_view, "项目")
def list_actuals(args, project):
    """列出实际完成值

    一个项目各指标的实际完成值，按指标和日期排列；指定 `latest_on` 时只列每个指标在该日期（含）前最新的一条。
    ---
    List a project's actual values, by indicator and date (or only the latest on a date)
    """
    if args.get("latest_on"):
        latest = latest_actuals(project, args["latest_on"])
        rows = [latest[i.id] for i in project.indicators if i.id in latest]
    else:
        rows = actuals_of(project)
    return page_list(rows, args)


@blp.route(ACTUAL_PATH, methods=["GET"], parameters=ACTUAL_PARAMETERS)
@allow(Perm.PROJECT_VIEW)
@blp.response(200, ActualSchema)
@loads("project_id", project_by_id, can_view, "项目")
def get_actual(project, indicator_id: int, as_of: date):
    """读取实际完成值

    某一指标在某一日期的实际完成值；响应头的 `ETag` 可用于修改时的 `If-Match`。
    ---
    Read the actual value of an indicator on a date (its ETag may go in If-Match to change it)
    """
    indicator = _indicator(project, indicator_id)
    row = stored_actual(indicator.id, as_of) or not_found("该日期的实际完成值")
    return row, 200, {"ETag": f'"{_etag(row)}"'}


@blp.route(ACTUAL_PATH, methods=["PUT"], parameters=ACTUAL_PARAMETERS)
@allow(Perm.PROJECT_EDIT)
@blp.arguments(ActualEntrySchema, example=examples.ACTUAL)
@blp.response(200, ActualSchema)
@blp.doc(parameters=[if_match_parameter("可选：先前 GET 取得的 ETag；数据已被他人修改时返回 412")])
@loads("project_id", project_by_id, can_edit, "项目")
def put_actual(body, project, indicator_id: int, as_of: date):
    """填写实际完成值

    项目负责人填写某一指标在某一日期的实际完成值（如 `96%`、`7人`、`27.5万元`），
    检查与页面相同：单位须与指标值一致（元/万元自动换算），定性指标填写文字；记入修改记录。
    ---
    Set the actual value of an indicator on a date (owner); checked like the form and audited
    """
    indicator = _indicator(project, indicator_id)
    refuse_star_if_match()
    if request.if_match and _etag(stored_actual(indicator.id, as_of)) not in request.if_match:
        flask_abort(412)
    row = set_actual(indicator, body["value"], as_of, current_user.username, body["note"], body["reason"])
    return row, 200, {"ETag": f'"{_etag(row)}"'}


@blp.route("/<int:project_id>/self-evaluation", methods=["GET"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, SelfEvaluationSchema)
@loads("project_id", project_by_id, can_view, "项目")
def get_self_evaluation(args, project):
    """自评得分

    按支付记录、实际完成值和权重计算的绩效自评：预算执行率（10 分）、各指标得分、总分、等级和自评预警灯。
    ---
    The self-evaluation's scores (预算执行率, each indicator, total, grade, warning)
    """
    return evaluation_of(project, args.get("as_of")).to_json()
