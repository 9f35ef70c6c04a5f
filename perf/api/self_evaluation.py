"""The self-evaluation's entries (weights, 定性 bands, reasons, outcome) and its workflow steps.

The same service as the 绩效自评 page (perf.evaluation.workflow): the owner writes the entries
of a draft and submits; the reviewer signs off, returns or reopens. The entries' ETag is the
evaluation's lock version, so a stale write gets 412.
"""

from flask import abort as flask_abort
from flask import request
from flask_login import current_user

from perf.api import examples
from perf.api.common import Blueprint, allow, api_abort, if_match_parameter, raw_body, refuse_star_if_match
from perf.api.workflow import add_api_steps
from perf.auth.permissions import Perm, can_edit, can_view, loads
from perf.evaluation import workflow
from perf.evaluation.models import EVALUATION_STATUS_LABELS
from perf.evaluation.schemas import EntriesSchema
from perf.evaluation.services import evaluation_of
from perf.evaluation.workflow import SELF_EVALUATION
from perf.fields import Int, Items, Number, Obj, PerfSchema, Text, WanMoney
from perf.projects.queries import project_by_id

blp = Blueprint(
    "api_self_evaluation", __name__, url_prefix="/api/v1/projects", description="绩效自评：填报、提交、审核"
)

ENTRIES = "/<int:project_id>/self-evaluation/entries"
IF_MATCH = if_match_parameter("先前 GET 取得的 ETag；自评已被他人修改时返回 412，缺少时返回 428", required=True)


class RowSchema(PerfSchema):
    indicator_id = Int(dump_only=True)
    indicator = Text(dump_only=True, metadata={"description": "三级指标"})
    weight = Number(dump_only=True)
    band = Text(dump_only=True, allow_none=True)
    band_score = Number(dump_only=True, allow_none=True)
    reason = Text(dump_only=True)


class EvaluationEntriesSchema(PerfSchema):
    """The stored entries (default weights where none were saved), the status and what blocks submission."""

    status = Text(dump_only=True, metadata={"description": "draft 填报中 / submitted 待审核 / signed 已审核"})
    status_label = Text(dump_only=True)
    outcome = Text(dump_only=True)
    full_year_budget = WanMoney(allow_none=True)
    carried_over = WanMoney(allow_none=True)
    rows = Items(Obj(RowSchema), dump_only=True)
    problems = Items(Text(), dump_only=True, metadata={"description": "提交前须处理的问题"})
    version = Int(dump_only=True, metadata={"description": "与 ETag 相同的版本号（未填报为 0）"})


def _view(project) -> tuple[dict, int, dict]:
    evaluation = workflow.stored_evaluation(project)
    names = {indicator.id: indicator.name for indicator in project.indicators}
    status = workflow.status_of(evaluation)
    version = evaluation.lock_version if evaluation else 0
    body = {
        "status": status,
        "status_label": EVALUATION_STATUS_LABELS[status],
        "outcome": evaluation.outcome if evaluation else "",
        "full_year_budget": evaluation.full_year_budget if evaluation else None,
        "carried_over": evaluation.carried_over if evaluation else None,
        "rows": [{**vars(row), "indicator": names[row.indicator_id]} for row in workflow.current_rows(project)],
        "problems": list(evaluation_of(project).problems),
        "version": version,
    }
    return body, 200, {"ETag": f'"{version}"'}


@blp.route(ENTRIES, methods=["GET"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.response(200, EvaluationEntriesSchema)
@loads("project_id", project_by_id, can_view, "项目")
def get_entries(project):
    """读取自评填报内容

    自评的填报内容（未保存时为默认权重）、状态和提交前须处理的问题；响应头的 `ETag` 用于修改时的 `If-Match`。
    ---
    Read the self-evaluation's entries, status and problems (its ETag goes in If-Match to change them)
    """
    return _view(project)


@blp.route(ENTRIES, methods=["PUT"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@raw_body(EntriesSchema, example=examples.SELF_EVALUATION)
@blp.response(200, EvaluationEntriesSchema)
@blp.doc(parameters=[IF_MATCH])
@loads("project_id", project_by_id, can_edit, "项目")
def put_entries(body, project):
    """保存自评填报内容

    项目负责人保存填报中的自评（须带 `If-Match`）：各指标权重、定性指标的档次和得分、偏差原因及改进措施、实际完成情况。
    ---
    Write the entries of a draft (owner): weights, 定性 bands and scores, reasons, outcome
    """
    refuse_star_if_match()
    if not request.if_match:
        api_abort(428, "修改须带 If-Match 请求头（先前 GET 取得的 ETag）")
    evaluation = workflow.stored_evaluation(project)
    if str(evaluation.lock_version if evaluation else 0) not in request.if_match:
        flask_abort(412)
    workflow.save(project, current_user._get_current_object(), body)
    return _view(project)


add_api_steps(blp, SELF_EVALUATION, "/self-evaluation", "self_evaluation", EvaluationEntriesSchema, _view)
