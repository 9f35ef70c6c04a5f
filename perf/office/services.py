"""催办: a reviewer nudges the owners of one or many projects, with a message of their own.

Flushes; the boundary commits (and the e-mails go out after the commit). Audited per project.
"""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from perf.alerts.notify import Message, owners_of, tell
from perf.audit.services import record
from perf.auth.permissions import can_review
from perf.db import MAX_ID
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.office.messages import project_link
from perf.projects.models import Project

MAX_NUDGE = 500


def nudge(project_ids: list[int], user, text: str) -> int:
    """Tell the owners of each project; the number of people told. RuleError on a bad request."""
    text = (text or "").strip()
    problems = {}
    if not text:
        problems["message"] = ["请填写催办内容"]
    elif len(text) > MAX_NUDGE:
        problems["message"] = [f"催办内容最多 {MAX_NUDGE} 个字"]
    elif refused := unsavable(text, "催办内容"):
        problems["message"] = [refused]
    ids = sorted({i for i in project_ids if 1 <= i <= MAX_ID})
    if not ids:
        problems["project_id"] = ["请至少选择一个项目"]
    if problems:
        raise RuleError(problems)
    query = select(Project).options(joinedload(Project.unit), joinedload(Project.budget_year))
    projects = list(db.session.scalars(query.where(Project.id.in_(ids)).order_by(Project.code)))
    if len(projects) != len(ids) or not all(can_review(user, project) for project in projects):
        raise RuleError("只能催办本部门的项目", "forbidden")
    batch, told = uuid.uuid4().hex[:12], 0
    for project in projects:
        message = Message(
            key=f"nudge:{batch}:{project.id}",
            event="nudge",
            title=f"【催办】{project.code} {project.name}",
            body="\n".join([f"项目：{project.code} {project.name}", f"催办人：{user.label}", f"内容：{text}"]),
            link=project_link(project),
            project_id=project.id,
        )
        told += len(tell(owners_of(project.unit_id), message))
        changes = {"催办内容": [None, text]}
        record(user.username, "project.nudge", "project", project.id, f"催办项目 {project.code}", changes)
    return told
