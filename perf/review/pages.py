"""What the project page shows about review: findings, the steps taken, kept versions, the steps this user may take."""

from flask_login import current_user
from sqlalchemy import select

from perf.audit.models import AuditEntry
from perf.auth.permissions import Perm, can_edit, has
from perf.extensions import db
from perf.projects.pages import panel
from perf.review import drafts
from perf.review.rules import RULES, review, table_input
from perf.review.workflow import TARGET
from perf.workflow import engine


@panel
def project_panel(project) -> dict:
    """Template context for the review side of a project page."""
    possible = {transition.step for transition in TARGET.possible(project, current_user, project)}
    comments = engine.events(TARGET, project)
    return {
        "findings": review(table_input(project)),
        "rule_titles": {rule.id: rule.title for rule in RULES},
        "comments": comments,
        "returned": engine.returned(project, comments[-1] if comments else None),
        "step_labels": {transition.step: transition.label for transition in TARGET.transitions},
        "versions": engine.versions(TARGET, project),
        "may_edit": can_edit(current_user, project) and project.status == "draft",
        "may_submit": "submit" in possible,
        "may_adjust": "adjust" in possible,
        "may_withdraw": "withdraw" in possible,
        "may_delete": can_edit(current_user, project) and drafts.deletable(project),
        "may_review": {"approve", "return"} <= possible,
        "may_audit": has(current_user, Perm.AUDIT_VIEW),
    }


def audit_of(project) -> list[AuditEntry]:
    """Every recorded change to the project, newest first."""
    query = select(AuditEntry).where(AuditEntry.object_type == "project", AuditEntry.object_id == str(project.id))
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc())))
