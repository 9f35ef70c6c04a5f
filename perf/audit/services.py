"""Writing audit entries; callers flush and commit as part of their own unit of work."""

from collections.abc import Iterable

from sqlalchemy import insert

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


def record_many(actor: str, action: str, object_type: str, entries: Iterable[tuple[object, str, dict]]) -> None:
    """Many audit entries of one action in one multi-row INSERT: (object id, summary, changes) each."""
    rows = [
        {
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "summary": summary,
            "changes": changes or {},
        }
        for object_id, summary, changes in entries
    ]
    if rows:
        db.session.execute(insert(AuditEntry.__table__), rows)
