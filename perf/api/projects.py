"""Projects and their 绩效目标表: list, read (with an ETag), create and update by the one table schema."""

from flask_login import current_user

from perf.api import examples, queries
from perf.api.common import (
    Blueprint,
    allow,
    api_abort,
    load_or_refuse,
    page_of,
    paginate,
    raw_body,
    refuse_star_if_match,
)
from perf.api.schemas import (
    PlacementSchema,
    ProjectArgs,
    ProjectCreateSchema,
    ProjectDetailSchema,
    ProjectSummarySchema,
)
from perf.api.tables import ProjectView
from perf.auth.permissions import Perm, can_create_in, can_edit, can_view, ensure, loads
from perf.projects import services
from perf.projects.queries import project_by_id
from perf.projects.schemas import TargetTableSchema

blp = Blueprint("api_projects", __name__, url_prefix="/api/v1/projects", description="项目及其绩效目标表")


def etag_of(project) -> dict:
    """What a project's ETag is computed from: every save moves its lock version on."""
    return {"id": project.id, "lock_version": project.lock_version}


@blp.route("", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(ProjectArgs, location="query")
@blp.response(200, page_of(ProjectSummarySchema))
def list_projects(args):
    """列出项目

    调用者可见的项目（项目负责人：本人负责的单位；财务审核和部门领导：本部门），
    可按预算年度、单位、部门、状态或项目编码筛选；新的年度在前，同年按项目编码排列。
    ---
    List the projects the caller may see

    Filter by year, unit, department, status or code; newest year first, then by code.
    """
    return paginate(queries.projects(current_user, args), args)


@blp.route("/<int:project_id>", methods=["GET"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.etag
@blp.response(200, ProjectDetailSchema)
@loads("project_id", project_by_id, can_view, "项目")
def get_project(project):
    """读取绩效目标表

    一个项目的完整绩效目标表：预算数、资金用途、资金支出计划、绩效目标、各条绩效指标（含系统对指标值的解读）和自动审核意见。
    响应头的 `ETag` 用于修改时的 `If-Match`。
    ---
    Read a 绩效目标表 with its review findings

    The ETag header goes in If-Match to update it.
    """
    blp.set_etag(etag_of(project))
    return ProjectView(project)


@blp.route("", methods=["POST"])
@allow(Perm.PROJECT_EDIT)
@blp.etag
@raw_body(ProjectCreateSchema, example=examples.NEW_PROJECT)
@blp.response(201, ProjectDetailSchema)
def create_project(body):
    """新建绩效目标表

    在调用者负责的单位中新建一份草稿。规则与页面表单相同：财政资金 + 其他资金 = 预算数，项目编码在同一年度内唯一，
    每个时间节点一个累计支出百分比（最后一个为 100%），二级指标属于其一级指标。返回的表附自动审核意见。
    ---
    Create a draft 绩效目标表 in one of the caller's units

    The same rules as the form (the one table schema): amounts add up, 项目编码 unique in the
    year, one plan percent per checkpoint, 二级 under its 一级. The answer carries the review findings.
    """
    table = dict(body)
    place = load_or_refuse(PlacementSchema(), {key: table.pop(key, None) for key in ("year", "unit_id")})
    year = queries.budget_year(place["year"]) or api_abort(422, "提交的数据有误", {"year": ["没有这个预算年度"]})
    unit = queries.unit(place["unit_id"]) or api_abort(422, "提交的数据有误", {"unit_id": ["没有这个单位"]})
    ensure(can_create_in(current_user, unit))
    project = services.create_project(year, unit, table, actor=current_user.username)
    project = project_by_id(project.id)
    blp.set_etag(etag_of(project))
    return ProjectView(project)


@blp.route("/<int:project_id>", methods=["PUT"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.etag
@raw_body(TargetTableSchema, example=examples.TABLE)
@blp.response(200, ProjectDetailSchema)
@loads("project_id", project_by_id, can_edit, "项目")
def update_project(body, project):
    """修改绩效目标表

    整体替换一份草稿（须带 `If-Match`）。已提交的表在审核中、已批复的表须先申请调整（POST …/adjust），两者均返回 409；
    数据已被他人修改时返回 412。
    ---
    Replace a draft 绩效目标表 (If-Match required)

    A submitted table is under review and an approved one changes only through an
    adjustment (POST …/adjust): both answer 409. A stale If-Match answers 412.
    """
    refuse_star_if_match()
    blp.check_etag(etag_of(project))
    if project.locked:
        api_abort(409, locked_message(project))
    services.update_project(project, body, current_user.username, project.lock_version)
    project = project_by_id(project.id)
    blp.set_etag(etag_of(project))
    return ProjectView(project)


def locked_message(project) -> str:
    """Why a table cannot be changed now, and what to do instead."""
    if project.status == "approved":
        return (
            f"项目已批复，不能直接修改；请先申请调整（POST /api/v1/projects/{project.id}/adjust，"
            "须填写调整原因），项目重新成为草稿后再修改"
        )
    return f"项目当前为“{project.status_label}”状态，正在审核，不能修改；如需修改请联系财务审核退回"
