"""What the project page shows about review: findings, history and the steps this user may take."""

from flask_login import current_user

from perf.auth.permissions import Perm, can_edit, can_review, has
from perf.review.versions import versions_of
from perf.review.workflow import comments_of


def project_panel(project) -> dict:
    """Template context for the review side of a project page."""
    from perf.review.rules import review, table_input

    status = project.status
    return {
        "findings": review(table_input(project)),
        "comments": comments_of(project),
        "versions": versions_of(project),
        "may_edit": can_edit(current_user, project) and status == "draft",
        "may_submit": can_edit(current_user, project) and status == "draft",
        "may_adjust": can_edit(current_user, project) and status == "approved",
        "may_review": can_review(current_user, project) and status == "submitted",
        "may_audit": has(current_user, Perm.AUDIT_VIEW),
    }
