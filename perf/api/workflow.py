"""Workflow steps on a 绩效目标表: submit, return (退回), approve (批复), adjust (调整)."""

from flask_login import current_user
from flask_smorest import Blueprint

from perf.api import examples
from perf.api.common import allow, api_abort
from perf.api.projects import visible_project
from perf.api.schemas import ProjectDetailSchema, StepSchema
from perf.api.tables import ProjectView
from perf.auth.permissions import Perm, can_edit, can_review, ensure
from perf.extensions import db
from perf.review import workflow

blp = Blueprint("api_workflow", __name__, url_prefix="/api/v1/projects", description="审核流程：提交、退回、批复、调整")


def run_step(project_id: int, comment: str, action, allowed, refused: type[Exception], comment_required: str = ""):
    """Take one workflow step through its service and commit; return the project.

    404 for an unknown or invisible project, 403 for the wrong person, 422 without a comment
    when ``comment_required`` says why one is needed, 409 with the service's ``messages`` when
    it raises ``refused``. Used by the 绩效目标表 steps here and by the self-evaluation steps.
    """
    project = visible_project(project_id)
    ensure(allowed(current_user, project))
    if comment_required and not comment:
        api_abort(422, comment_required, {"comment": [comment_required]})
    try:
        action(project, current_user._get_current_object(), comment)
    except refused as error:
        db.session.rollback()
        api_abort(409, "；".join(error.messages), {"_schema": error.messages})
    db.session.commit()
    return project


def _step(project_id: int, body: dict, action, allowed, comment_required: str = "") -> ProjectView:
    return ProjectView(run_step(project_id, body["comment"], action, allowed, workflow.WorkflowError, comment_required))


@blp.route("/<int:project_id>/submit", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, ProjectDetailSchema)
def submit_project(body, project_id: int):
    """Submit a draft for review (owner); review errors block it (409)"""
    return _step(project_id, body, workflow.submit, can_edit)


@blp.route("/<int:project_id>/return", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, ProjectDetailSchema)
def return_project(body, project_id: int):
    """Return a submitted table to its owner with a comment (reviewer)"""
    return _step(project_id, body, workflow.return_for_changes, can_review, "退回时必须填写审核意见")


@blp.route("/<int:project_id>/approve", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_REVIEW)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, ProjectDetailSchema)
def approve_project(body, project_id: int):
    """Approve a submitted table (reviewer); it is locked from then on"""
    return _step(project_id, body, workflow.approve, can_review)


@blp.route("/<int:project_id>/adjust", methods=["POST"], parameters=[examples.PROJECT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(StepSchema, example=examples.STEP)
@blp.response(200, ProjectDetailSchema)
def adjust_project(body, project_id: int):
    """Ask to change an approved table (调整, owner): it reopens as a draft; the comment is the reason"""
    return _step(project_id, body, workflow.request_adjustment, can_edit, "申请调整必须填写调整原因")
