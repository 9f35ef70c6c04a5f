"""Projects and their 绩效目标表: list, read (with an ETag), create and update by the form's rules."""

from flask import abort as flask_abort
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from perf.api import examples, queries
from perf.api.common import Blueprint, allow, api_abort, not_found, page_of, paginate, refuse_star_if_match
from perf.api.schemas import (
    ProjectArgs,
    ProjectChangeSchema,
    ProjectCreateSchema,
    ProjectDetailSchema,
    ProjectSummarySchema,
)
from perf.api.tables import ProjectView, project_data, table_problems
from perf.auth.permissions import Perm, can_create_in, can_edit, can_view, ensure
from perf.extensions import db
from perf.org.models import Unit
from perf.projects import services
from perf.projects.services import ProjectRuleError

blp = Blueprint("api_projects", __name__, url_prefix="/api/v1/projects", description="项目及其绩效目标表")


def etag_of(project) -> dict:
    """What a project's ETag is computed from: every save moves its lock version on."""
    return {"id": project.id, "lock_version": project.lock_version}


def visible_project(project_id: int):
    """The project with its table, if the caller may see it (404 unknown, 403 not theirs)."""
    project = queries.project(project_id) or not_found("项目")
    ensure(can_view(current_user, project))
    return project


@blp.route("", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(ProjectArgs, location="query")
@blp.response(200, page_of(ProjectSummarySchema))
def list_projects(args):
    """List the projects the caller may see

    Filter by year, unit, department, status or code; newest year first, then by code.
    """
    return paginate(queries.projects(current_user, args), args)


@blp.route("/<int:project_id>", methods=["GET"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.etag
@blp.response(200, ProjectDetailSchema)
def get_project(project_id: int):
    """Read a 绩效目标表 with its review findings

    The ETag header goes in If-Match to update it.
    """
    project = visible_project(project_id)
    blp.set_etag(etag_of(project))
    return ProjectView(project)


@blp.route("", methods=["POST"])
@allow(Perm.PROJECT_EDIT)
@blp.etag
@blp.arguments(ProjectCreateSchema, example=examples.NEW_PROJECT)
@blp.response(201, ProjectDetailSchema)
def create_project(body):
    """Create a draft 绩效目标表 in one of the caller's units

    The same rules as the form: amounts add up, 项目编码 unique in the year, one plan
    percent per checkpoint, 二级 under its 一级. The answer carries the review findings.
    """
    year = queries.budget_year(body["year"]) or api_abort(422, "提交的数据有误", {"year": ["没有这个预算年度"]})
    unit = db.session.get(Unit, body["unit_id"]) or api_abort(422, "提交的数据有误", {"unit_id": ["没有这个单位"]})
    ensure(can_create_in(current_user, unit))
    table_problems(body, year)
    try:
        project = services.create_project(year, unit, project_data(body), actor=current_user.username)
    except ProjectRuleError as error:
        db.session.rollback()
        rule_error(error)
    db.session.commit()
    project = queries.project(project.id)
    blp.set_etag(etag_of(project))
    return ProjectView(project)


@blp.route("/<int:project_id>", methods=["PUT"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.etag
@blp.arguments(ProjectChangeSchema, example=examples.TABLE)
@blp.response(200, ProjectDetailSchema)
def update_project(body, project_id: int):
    """Replace a draft 绩效目标表 (If-Match required)

    A submitted table is under review and an approved one changes only through an
    adjustment (POST …/adjust): both answer 409. A stale If-Match answers 412.
    """
    project = visible_project(project_id)
    ensure(can_edit(current_user, project))
    refuse_star_if_match()
    blp.check_etag(etag_of(project))
    if project.locked:
        api_abort(409, locked_message(project))
    table_problems(body, project.budget_year)
    try:
        services.update_project(project, project_data(body), current_user.username, project.lock_version)
        db.session.commit()
    except ProjectRuleError as error:
        db.session.rollback()
        rule_error(error)
    except StaleDataError:
        db.session.rollback()
        flask_abort(412)
    project = queries.project(project_id)
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


def rule_error(error: ProjectRuleError):
    """A service's rule error as a 422 (a stale save as a 412)."""
    if isinstance(error, services.StaleProjectError):
        flask_abort(412)
    fields = {
        "spend_plan." + k.removeprefix("plan-") if k.startswith("plan-") else k: v for k, v in error.fields.items()
    }
    unplaced = [m for m in error.messages if not any(m in texts for texts in fields.values())]
    if unplaced:
        fields["_schema"] = unplaced
    api_abort(422, "；".join(error.messages), fields)
