"""Workflow steps over the API, made from the transition tables: one POST operation per declared step.

``POST /api/v1/projects/{id}/{step}`` for the 绩效目标表 (submit, return, approve, adjust) and
``POST /api/v1/projects/{id}/self-evaluation/{step}`` for the self-evaluation (submit, sign,
return, reopen); each operation's id is ``{step}_{subject}`` (``submit_project``,
``sign_self_evaluation``). A step another state does not allow answers 409 with the reasons; a
missing required comment 422 at ``comment``; the wrong person 403.
"""

from collections.abc import Callable

from flask_login import current_user

from perf.api import examples
from perf.api.common import Blueprint, allow
from perf.api.schemas import ProjectDetailSchema, StepSchema
from perf.api.tables import ProjectView
from perf.auth.permissions import loads
from perf.projects.queries import project_by_id
from perf.review.workflow import TARGET
from perf.workflow.engine import Transition, Workflow, take


def add_api_steps(blp: Blueprint, workflow: Workflow, path: str, subject: str, schema, answer: Callable) -> None:
    """One operation per step of ``workflow``: ``{path}/{step}``, answered by ``answer(project)`` in ``schema``."""
    for transition in workflow.transitions:
        view = _step(workflow, transition, answer)
        view.__name__ = f"{transition.step}_{subject}"
        view.__doc__ = transition.doc or f"{workflow.label}：{transition.label}"
        view = loads("project_id", project_by_id, transition.allowed, "项目")(view)
        view = blp.response(200, schema)(view)
        view = blp.arguments(StepSchema, example=examples.STEP)(view)
        view = allow(transition.permission)(view)
        blp.route(f"/<int:project_id>{path}/{transition.step}", methods=["POST"], parameters=[examples.PROJECT_ID])(
            view
        )


def _step(workflow: Workflow, transition: Transition, answer: Callable):
    def view(body, project):
        take(workflow, transition.step, project, current_user._get_current_object(), body["comment"])
        return answer(project)

    return view


blp = Blueprint("api_workflow", __name__, url_prefix="/api/v1/projects", description="审核流程：提交、退回、批复、调整")
add_api_steps(blp, TARGET, "", "project", ProjectDetailSchema, ProjectView)
