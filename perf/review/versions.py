"""Kept versions of a 绩效目标表: numbered snapshots taken at import, submission and approval."""

from sqlalchemy import func, select

from perf.extensions import db
from perf.projects.history import snapshot
from perf.review.models import ProjectVersion


def keep_version(project, kind: str, user=None, reason: str = "") -> ProjectVersion:
    """Freeze the table as it is now as the project's next version."""
    last = db.session.scalar(select(func.max(ProjectVersion.number)).where(ProjectVersion.project_id == project.id))
    version = ProjectVersion(
        project_id=project.id,
        number=(last or 0) + 1,
        kind=kind,
        snapshot=snapshot(project),
        reason=reason,
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def versions_of(project) -> list[ProjectVersion]:
    """All kept versions, oldest first."""
    return list(
        db.session.scalars(
            select(ProjectVersion).where(ProjectVersion.project_id == project.id).order_by(ProjectVersion.number)
        )
    )


def version(project, number: int) -> ProjectVersion | None:
    """One kept version by number."""
    return db.session.scalar(
        select(ProjectVersion).where(ProjectVersion.project_id == project.id, ProjectVersion.number == number)
    )
