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
from perf.workflow.engine import WHO, Transition, Workflow, take


def add_api_steps(blp: Blueprint, workflow: Workflow, path: str, subject: str, schema, answer: Callable) -> None:
    """One operation per step of ``workflow``: ``{path}/{step}``, answered by ``answer(project)`` in ``schema``."""
    for transition in workflow.transitions:
        view = _step(workflow, transition, answer)
        view.__name__ = f"{transition.step}_{subject}"
        view.__doc__ = step_doc(workflow, transition)
        view = loads("project_id", project_by_id, transition.allowed, "项目")(view)
        view = blp.response(200, schema)(view)
        view = blp.arguments(StepSchema, example=examples.STEP)(view)
        view = allow(transition.permission)(view)
        blp.route(f"/<int:project_id>{path}/{transition.step}", methods=["POST"], parameters=[examples.PROJECT_ID])(
            view
        )


def step_doc(workflow: Workflow, transition: Transition) -> str:
    """The operation's docstring: a Chinese summary and description for the API page, then (after
    flask-smorest's ``---``, which the OpenAPI document leaves out) the step's English doc."""
    sources = "、".join(f"“{workflow.states[state].label}”" for state in transition.sources)
    target = workflow.states[transition.target].label
    if transition.comment_required:
        comment = f"须在 `comment` 中填写意见（{transition.comment_required}），缺少时返回 422。"
    else:
        comment = "可在 `comment` 中附意见。"
    kept = "完成后保留一个版本。" if transition.keeps else ""
    description = (
        f"{WHO[transition.who][2]}把{workflow.label}从{sources}变为“{target}”。{comment}{kept}"
        "不能进行这一步时（当前状态不允许，或检查未通过）返回 409 并列出原因；无权操作返回 403。"
    )
    english = transition.doc or transition.step
    return f"{transition.label}（{workflow.label}）\n\n{description}\n---\n{english}"


def _step(workflow: Workflow, transition: Transition, answer: Callable):
    def view(body, project):
        take(workflow, transition.step, project, current_user._get_current_object(), body["comment"])
        return answer(project)

    return view


blp = Blueprint("api_workflow", __name__, url_prefix="/api/v1/projects", description="审核流程：提交、退回、批复、调整")
add_api_steps(blp, TARGET, "", "project", ProjectDetailSchema, ProjectView)
