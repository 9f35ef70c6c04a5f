"""Alerts from a scan: open once, escalate when the level worsens, resolve on catching up.

Every write is safe to repeat and to race: rows are inserted with ON CONFLICT DO NOTHING
against their unique keys, and level or status changes are compare-and-set updates, so
two scans at once (or a scan after a crash) cannot open, escalate or notify twice. On
PostgreSQL the scan also holds a transaction-level advisory lock, so scans queue up.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text, update

from perf.db import insert_ignoring_duplicates, utcnow
from perf.extensions import db
from perf.monitoring.models import Alert, ScanRun
from perf.monitoring.notify import Audience, Outbox
from perf.monitoring.scan import Status, compute, scan_year
from perf.projects.models import Project
from perf.spending.lag import worse

#: Any fixed number: the key of the PostgreSQL advisory lock that serialises scans.
SCAN_LOCK = 7_402_331


@dataclass
class ScanResult:
    """What a scan found and changed."""

    as_of: date
    year: int | None
    statuses: list[Status] = field(default_factory=list)
    opened: int = 0
    escalated: int = 0
    resolved: int = 0
    reminders: int = 0
    run_id: int | None = None


def run_scan(as_of: date, source: str, year: int | None = None) -> ScanResult:
    """Scan, then bring alerts and their notifications up to date; flushes, the caller commits."""
    _lock()
    budget_year = scan_year(as_of, year)
    result = ScanResult(as_of, budget_year.year if budget_year else None)
    if budget_year is not None:
        result.statuses = compute(as_of, budget_year)
        _bookkeep(as_of, budget_year, result)
    run = ScanRun(
        as_of=as_of,
        source=source,
        projects=len(result.statuses),
        finished_at=utcnow(),
        alerts_opened=result.opened,
        alerts_escalated=result.escalated,
        alerts_resolved=result.resolved,
    )
    db.session.add(run)
    db.session.flush()
    result.run_id = run.id
    return result


def _bookkeep(as_of: date, budget_year, result: ScanResult) -> None:
    """Insert missing alerts, then settle each project's alerts and queue the messages."""
    lagging = [s for s in result.statuses if s.level in ("yellow", "red") and s.checkpoint_seq]
    _insert_alerts([(s, s.checkpoint_seq, "lag", s.level) for s in lagging], as_of)
    _insert_alerts([(s, s.reminder_seq, "reminder", "reminder") for s in result.statuses if s.reminder_seq], as_of)
    existing = _alerts_of(budget_year)
    outbox = Outbox(Audience.load(), budget_year)
    for status in result.statuses:
        _settle(status, existing, result, outbox)
    outbox.write()


def _lock() -> None:
    """Queue concurrent scans on PostgreSQL (SQLite serialises writers by itself)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCAN_LOCK})


def _insert_alerts(rows, as_of: date) -> None:
    """Insert alerts that do not exist yet, in one statement; existing ones are left alone."""
    if not rows:
        return
    values = [
        {
            "project_id": s.project_id,
            "checkpoint_seq": seq,
            "kind": kind,
            "level": level,
            "status": "new",
            "planned_pct": s.reminder_pct if kind == "reminder" else s.planned_pct,
            "actual_pct": s.actual_pct,
            "as_of": as_of,
            "opened_at": utcnow(),
        }
        for s, seq, kind, level in rows
    ]
    insert_ignoring_duplicates(db.session, Alert, values, ["project_id", "checkpoint_seq", "kind"])


def _alerts_of(budget_year) -> dict[tuple[int, int, str], Alert]:
    """(project, checkpoint, kind) -> alert, for every project of the scanned year (one query)."""
    alerts = db.session.scalars(
        select(Alert)
        .join(Project, Project.id == Alert.project_id)
        .where(Project.year_id == budget_year.id)
        .execution_options(populate_existing=True)
    )
    return {(a.project_id, a.checkpoint_seq, a.kind): a for a in alerts}


def _settle(status: Status, existing, result: ScanResult, outbox: Outbox) -> None:
    """Open, escalate, reopen or resolve this project's alerts, and queue what people must hear."""
    reminder = existing.get((status.project_id, status.reminder_seq, "reminder"))
    if status.reminder_seq and _claim(reminder, "new", "open"):
        outbox.event(reminder, status, "reminder", owners_only=True)
        result.reminders += 1
    alert = existing.get((status.project_id, status.checkpoint_seq, "lag")) if status.checkpoint_seq else None
    if alert is None:
        return
    lagging = status.level in ("yellow", "red")
    if lagging and _claim(alert, "new", "open"):
        result.opened += 1
        outbox.event(alert, status, "opened")
    elif lagging and alert.status != "closed" and worse(status.level, alert.level) and _escalate(alert, status):
        result.escalated += 1
        outbox.event(alert, status, "escalated")
    elif lagging and alert.status == "resolved" and _claim(alert, "resolved", "open"):
        result.opened += 1
        outbox.event(alert, status, "reopened")
    elif not lagging and alert.status in ("open", "answered") and _claim(alert, alert.status, "resolved"):
        result.resolved += 1
        outbox.event(alert, status, "resolved")


def _claim(alert: Alert | None, old: str, new: str) -> bool:
    """Move the alert's status from ``old`` to ``new`` unless another scan already did."""
    if alert is None or alert.status != old:
        return False
    changes = {"status": new}
    if new == "resolved":
        changes["resolved_at"] = utcnow()
    done = db.session.execute(update(Alert).where(Alert.id == alert.id, Alert.status == old).values(**changes)).rowcount
    if done:
        for name, value in changes.items():
            setattr(alert, name, value)
    return bool(done)


def _escalate(alert: Alert, status: Status) -> bool:
    """Raise the level (yellow -> red) unless another scan already did."""
    done = db.session.execute(
        update(Alert)
        .where(Alert.id == alert.id, Alert.level == alert.level)
        .values(level=status.level, escalated_at=utcnow(), planned_pct=status.planned_pct, actual_pct=status.actual_pct)
    ).rowcount
    if done:
        alert.level = status.level
    return bool(done)
