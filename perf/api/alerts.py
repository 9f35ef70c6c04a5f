"""Alerts (预警): list, read, answer (owner: 滞后原因, 整改措施, catch-up date), send back and close (reviewer)."""

from flask_login import current_user

from perf.alerts import services
from perf.alerts.models import ALERT_KINDS, ALERT_STATUSES
from perf.alerts.queries import alert as alert_by_id
from perf.api import examples, queries
from perf.api.common import (
    IF_MATCH_VERSION,
    Blueprint,
    PageArgs,
    allow,
    page_of,
    paginate,
    version_etag,
    version_in_if_match,
)
from perf.auth.permissions import Perm, can_edit, can_review, can_view, ensure, loads
from perf.fields import Choice, Day, Id, Int, Moment, Money, PerfSchema, Text, Year

blp = Blueprint("api_alerts", __name__, url_prefix="/api/v1/alerts", description="预警：说明、退回与关闭")


class AlertArgs(PageArgs):
    """Filter alerts."""

    status = Choice(
        [s for s in ALERT_STATUSES if s != "new"],
        metadata={"description": "open 待说明 / answered 已说明 / closed 已关闭 / resolved 已追上进度"},
    )
    level = Choice(("yellow", "red", "reminder"))
    kind = Choice(ALERT_KINDS, metadata={"description": "lag 滞后 / reminder 节点提醒"})
    year = Year()
    unit_id = Id()
    project_id = Id()


class AlertSchema(PerfSchema):
    """An alert on a project at a checkpoint."""

    id = Int(dump_only=True)
    lock_version = Int(dump_only=True, metadata={"description": "版本号，与 ETag 相同；每次说明、退回、关闭加 1"})
    project_id = Int(dump_only=True)
    project_code = Text(attribute="project.code", dump_only=True)
    project_name = Text(attribute="project.name", dump_only=True)
    year = Int(attribute="project.budget_year.year", dump_only=True)
    checkpoint_seq = Int(dump_only=True)
    kind = Text(dump_only=True)
    level = Text(dump_only=True, metadata={"description": "yellow / red / reminder"})
    status = Text(dump_only=True)
    status_label = Text(dump_only=True)
    planned_pct = Money()
    actual_pct = Money()
    as_of = Day(dump_only=True)
    opened_at = Moment(dump_only=True)
    escalated_at = Moment(dump_only=True, allow_none=True)
    resolved_at = Moment(dump_only=True, allow_none=True)
    reason = Text(dump_only=True, metadata={"description": "滞后原因"})
    measures = Text(dump_only=True, metadata={"description": "整改措施"})
    catch_up_on = Day(dump_only=True, allow_none=True, metadata={"description": "预计追上进度的日期"})
    answered_at = Moment(dump_only=True, allow_none=True)
    closed_at = Moment(dump_only=True, allow_none=True)


class AnswerSchema(PerfSchema):
    """The owner's explanation of a lag."""

    reason = Text(required=True, min_length=1, max_length=2000, metadata={"description": "滞后原因"})
    measures = Text(required=True, min_length=1, max_length=2000, metadata={"description": "整改措施"})
    catch_up_on = Day(required=True, metadata={"description": "预计追上进度的日期"})


class SendBackSchema(PerfSchema):
    """The reviewer's comment on an answer that does not do."""

    comment = Text(load_default="", metadata={"description": "退回意见（必填，最多 2000 字）"})


def _may_see(user, alert) -> bool:
    return can_view(user, alert.project)


@blp.route("", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(AlertArgs, location="query")
@blp.response(200, page_of(AlertSchema))
def list_alerts(args):
    """列出预警

    调用者可见项目的预警，新的在前；可按状态、级别、类型、预算年度、单位和项目筛选。
    ---
    List alerts on the projects the caller may see, newest first
    """
    return paginate(queries.alerts(current_user, args), args)


@blp.route("/<int:alert_id>", methods=["GET"], parameters=[examples.ALERT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.response(200, AlertSchema)
@loads("alert_id", alert_by_id, _may_see, "预警")
def get_alert(alert):
    """读取预警

    一条预警：项目、时间节点、计划与实际百分比、级别、状态，以及项目负责人的说明。
    ---
    Read one alert (its ETag may go in If-Match to answer, send back or close it)
    """
    return alert, 200, version_etag(alert)


@blp.route("/<int:alert_id>/answer", methods=["POST"], parameters=[examples.ALERT_ID, IF_MATCH_VERSION])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(AnswerSchema, example=examples.ANSWER)
@blp.response(200, AlertSchema)
@loads("alert_id", alert_by_id, _may_see, "预警")
def answer_alert(body, alert):
    """说明滞后原因

    项目负责人填写滞后原因、整改措施和预计追上进度的日期；在财务审核关闭预警前可以修改。
    ---
    Explain a lag (owner of the project's unit); may be improved until the reviewer closes it
    """
    ensure(can_edit(current_user, alert.project))
    user = current_user._get_current_object()
    services.answer(alert, user, body["reason"], body["measures"], body["catch_up_on"], version_in_if_match())
    return alert, 200, version_etag(alert)


@blp.route("/<int:alert_id>/close", methods=["POST"], parameters=[examples.ALERT_ID, IF_MATCH_VERSION])
@allow(Perm.PROJECT_REVIEW)
@blp.response(200, AlertSchema)
@loads("alert_id", alert_by_id, _may_see, "预警")
def close_alert(alert):
    """关闭预警

    本部门的财务审核阅读说明后关闭已说明（或已追上进度）的预警。
    ---
    Close an answered (or caught-up) alert (reviewer of the project's department)
    """
    ensure(can_review(current_user, alert.project))
    services.close(alert, current_user._get_current_object(), expected_version=version_in_if_match())
    return alert, 200, version_etag(alert)


@blp.route("/<int:alert_id>/send-back", methods=["POST"], parameters=[examples.ALERT_ID, IF_MATCH_VERSION])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(SendBackSchema, example=examples.SEND_BACK)
@blp.response(200, AlertSchema)
@loads("alert_id", alert_by_id, _may_see, "预警")
def send_back_alert(body, alert):
    """退回预警说明

    说明不充分时，本部门的财务审核带意见退回项目负责人的说明：预警回到“待说明”，项目负责人重新说明，
    每一轮说明和退回都记入预警的审阅记录并通知项目负责人。
    只有“已说明”的预警可以退回（否则 409）；意见必填（否则 422，错误在 comment）；不是本部门的财务审核时 403。
    ---
    Send an answer back to the owner with a comment (reviewer of the project's department)
    """
    ensure(can_review(current_user, alert.project))
    services.send_back(alert, current_user._get_current_object(), body["comment"], version_in_if_match())
    return alert, 200, version_etag(alert)
