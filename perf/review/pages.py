"""What the project page shows about review: findings, the steps taken, kept versions, the steps this user may take."""

from dataclasses import dataclass
from datetime import datetime

from flask_login import current_user
from sqlalchemy import select

from perf import tunables
from perf.audit import labels
from perf.audit.models import AuditEntry
from perf.auth.models import User
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
        "findings": review(table_input(project, tunables.get("extra_units"))),
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


@dataclass(frozen=True)
class ShownEntry:
    """One audit entry in Chinese: the action's label, the actor's name, (field, before, after) per change."""

    at: datetime
    actor: str
    action: str
    summary: str
    changes: list[tuple[str, str, str]]


def shown_entries(entries: list[AuditEntry]) -> list[ShownEntry]:
    """The entries as a person reads them (perf.audit.labels); one query for the actors' names."""
    actors = {entry.actor for entry in entries}
    names = {user.username: user.label for user in db.session.scalars(select(User).where(User.username.in_(actors)))}
    return [
        ShownEntry(
            entry.at,
            labels.actor_label(entry.actor, names),
            labels.action_label(entry.action),
            labels.summary_text(entry.summary),
            [
                (labels.field_label(field), labels.value_text(field, before), labels.value_text(field, after))
                for field, (before, after) in (entry.changes or {}).items()
            ],
        )
        for entry in entries
    ]
