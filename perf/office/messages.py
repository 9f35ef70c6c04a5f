"""The message each workflow step sends: a submission to the department's reviewers, a return,
approval, sign-off or reopening to the project's owners; once per step event, in Chinese, naming
the project, the step, who took it, the comment and a link (in-app, and by e-mail or webhook).
"""

from perf.alerts.notify import Message, department_people, owners_of, tell
from perf.workflow.engine import on_step


def project_link(project) -> str:
    """The project's page."""
    return f"/projects/{project.budget_year.year}/{project.code}"


def subject_link(workflow, project) -> str:
    """The page where the workflow's subject is worked on."""
    if workflow.name == "self_evaluation":
        return f"/projects/{project.id}/self-evaluation"
    return project_link(project)


@on_step
def step_message(workflow, transition, subject, project, event) -> None:
    """Tell the other side of the step: reviewers of an owner's step, owners of a reviewer's."""
    actor = event.author.label if event.author is not None else event.actor
    title = f"【{workflow.label}{transition.label}】{project.code} {project.name}"
    lines = [
        f"项目：{project.code} {project.name}",
        f"事项：{workflow.label} {transition.label}（{transition.done}）",
        f"操作人：{actor}",
    ]
    if event.comment:
        lines.append(f"意见：{event.comment}")
    if transition.who == "owner":
        people = department_people(project.unit_id, "reviewer")
    else:
        people = owners_of(project.unit_id)
    message = Message(
        key=f"step:{event.id}",
        event=transition.step,
        title=title,
        body="\n".join(lines),
        link=subject_link(workflow, project),
        project_id=project.id,
    )
    tell(people, message, webhook=True)
