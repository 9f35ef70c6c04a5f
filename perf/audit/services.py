"""Writing audit entries; callers flush and commit as part of their own unit of work."""

from perf.audit.models import AuditEntry
from perf.extensions import db


def record(
    actor: str,
    action: str,
    object_type: str,
    object_id: object,
    summary: str = "",
    changes: dict | None = None,
) -> AuditEntry:
    """Add one audit entry to the current session."""
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary,
        changes=changes or {},
    )
    db.session.add(entry)
    return entry
