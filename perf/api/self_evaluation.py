"""The self-evaluation's entries (weights, 定性 bands, reasons, outcome) and its workflow steps.

The same service as the 绩效自评 page (perf.evaluation.workflow): the owner writes the entries
of a draft and submits; the reviewer signs off, returns or reopens. The entries' ETag is the
evaluation's lock version, so a stale write gets 412.
"""

from flask import abort as flask_abort
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from perf.api import examples
from perf.api.common import allow, api_abort, refuse_star_if_match
from perf.api.fields import ApiSchema, DecimalString, Id, Int, Items, Obj, Text
from perf.api.projects import visible_project
from perf.api.schemas import StepSchema
from perf.api.workflow import run_step
from perf.auth.permissions import Perm, can_edit, can_review, ensure
from perf.evaluation import workflow
from perf.evaluation.models import EVALUATION_STATUS_LABELS
from perf.evaluation.services import evaluation_of
from perf.extensions import db

blp = Blueprint(
    "api_self_evaluation", __name__, url_prefix="/api/v1/projects", description="绩效自评：填报、提交、审核"
)

ENTRIES = "/<int:project_id>/self-evaluation/entries"
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "先前 GET 取得的 ETag；自评已被他人修改时返回 412，缺少时返回 428",
}


class RowInSchema(ApiSchema):
    """One indicator's entries."""

    indicator_id = Id(required=True)
    weight = DecimalString(required=True, integer_digits=3, metadata={"description": '分值，如 "12.50"'})
    band = Text(allow_none=True, load_default=None, max_length=40, metadata={"description": "定性指标的评价档次"})
    band_score = DecimalString(allow_none=True, load_default=None, integer_digits=3, metadata={"description": "得分"})
    reason = Text(load_default="", max_length=workflow.MAX_REASON, metadata={"description": "偏差原因分析及改进措施"})


class EntriesInSchema(ApiSchema):
    """The owner's part of the 自评表; every indicator of the project once."""

    outcome = Text(load_default="", max_length=workflow.MAX_OUTCOME, metadata={"description": "实际完成情况"})
    full_year_budget = DecimalString(allow_none=True, load_default=None, metadata={"description": "全年预算数（万元）"})
    carried_over = DecimalString(allow_none=True, load_default=None, metadata={"description": "上年结转资金（万元）"})
    rows = Items(Obj(RowInSchema), required=True)


class RowSchema(ApiSchema):
    indicator_id = Int(dump_only=True)
    indicator = Text(dump_only=True, metadata={"description": "三级指标"})
    weight = DecimalString(dump_only=True)
    band = Text(dump_only=True, allow_none=True)
    band_score = DecimalString(dump_only=True, allow_none=True)
    reason = Text(dump_only=True)


class EntriesSchema(ApiSchema):
    """The stored entries (default weights where none were saved), the status and what blocks submission."""

    status = Text(dump_only=True, metadata={"description": "draft 填报中 / submitted 待审核 / signed 已审核"})
    status_label = Text(dump_only=True)
    outcome = Text(dump_only=True)
    full_year_budget = DecimalString(dump_only=True, allow_none=True)
    carried_over = DecimalString(dump_only=True, allow_none=True)
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
@blp.response(200, EntriesSchema)
def get_entries(project_id: int):
    """Read the self-evaluation's entries, status and problems (its ETag goes in If-Match to change them)"""
    return _view(visible_project(project_id))


@blp.route(ENTRIES, methods=["PUT"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(EntriesInSchema, example=examples.SELF_EVALUATION)
@blp.response(200, EntriesSchema)
@blp.doc(parameters=[IF_MATCH])
def put_entries(body, project_id: int):
    """Write the entries of a draft (owner): weights, 定性 bands and scores, reasons, outcome"""
    project = visible_project(project_id)
    ensure(can_edit(current_user, project))
    refuse_star_if_match()
    if not request.if_match:
        api_abort(428, "修改须带 If-Match 请求头（先前 GET 取得的 ETag）")
    evaluation = workflow.stored_evaluation(project)
    if str(evaluation.lock_version if evaluation else 0) not in request.if_match:
        flask_abort(412)
    rows = tuple(workflow.RowData(**row) for row in body["rows"])
    data = workflow.EvaluationData(body["outcome"], rows, body["full_year_budget"], body["carried_over"])
    try:
        workflow.save(project, current_user._get_current_object(), data)
    except workflow.EvaluationError as error:
        db.session.rollback()
        if error.fields:
            fields = {_dotted(name): messages for name, messages in error.fields.items()}
            api_abort(422, "；".join(m for found in fields.values() for m in found), fields)
        api_abort(409, "；".join(error.messages), {"_schema": error.messages})
    db.session.commit()
    return _view(project)


def _dotted(name: str) -> str:
    """The service's form field name (rows-0-weight) as the API's dotted path (rows.0.weight)."""
    return name.replace("-", ".")


def _step(project_id: int, body: dict, action, allowed):
    """A self-evaluation step; the service's refusals (including a missing comment) are 409 with its reasons."""
    return _view(run_step(project_id, body["comment"], action, allowed, workflow.EvaluationError))


@blp.route("/<int:project_id>/self-evaluation/submit", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, EntriesSchema)
def submit_self_evaluation(body, project_id: int):
    """Submit the self-evaluation (owner); refused (409) while it lists problems"""
    return _step(project_id, body, workflow.submit, can_edit)


@blp.route("/<int:project_id>/self-evaluation/sign", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, EntriesSchema)
def sign_self_evaluation(body, project_id: int):
    """Sign a submitted self-evaluation off (reviewer); it is locked and kept as a version"""
    return _step(project_id, body, workflow.sign_off, can_review)


@blp.route("/<int:project_id>/self-evaluation/return", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, EntriesSchema)
def return_self_evaluation(body, project_id: int):
    """Return a submitted self-evaluation to its owner with a comment (reviewer)"""
    return _step(project_id, body, workflow.return_for_changes, can_review)


@blp.route("/<int:project_id>/self-evaluation/reopen", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, EntriesSchema)
def reopen_self_evaluation(body, project_id: int):
    """Reopen a signed self-evaluation for corrections, with a reason (reviewer)"""
    return _step(project_id, body, workflow.reopen, can_review)
