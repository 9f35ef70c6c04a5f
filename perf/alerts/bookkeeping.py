"""The milestone scan's alerts: compute every status (``perf.spending.status``), then open alerts once,
escalate them when the level worsens and resolve them on catching up.

Every write is safe to repeat and to race: rows are inserted with ON CONFLICT DO NOTHING
against their unique keys, and level or status changes are compare-and-set updates, so
two scans at once (or a scan after a crash) cannot open, escalate or notify twice. On
PostgreSQL the scan also holds a transaction-level advisory lock, so scans queue up.
"""

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import select, update

from perf.alerts.models import Alert, ScanRun
from perf.alerts.notify import Audience, Outbox
from perf.db import analyze_after_bulk, insert_ignoring_duplicates, transaction_lock, utcnow
from perf.extensions import db
from perf.projects.models import Project
from perf.spending.lag import worse
from perf.spending.status import Status, compute, scan_year, store

#: Any fixed number: the key of the PostgreSQL advisory lock that serialises scans.
SCAN_LOCK = 7_402_331
#: Ids per compare-and-set statement (well under SQLite's limit on bound parameters).
CHUNK = 5000


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
        with _collector_paused():
            result.statuses = compute(as_of, budget_year)
            store(result.statuses, budget_year, as_of)
            _bookkeep(as_of, budget_year, result)
        analyze_after_bulk(db.session, ["project_status"], len(result.statuses))
        analyze_after_bulk(db.session, ["alert", "notification", "inbox_item"], result.opened + result.escalated)
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
    """Insert the alerts that are new, move the rest in a few set-based updates, and queue the messages.

    Alerts are read as tuples; only those this scan moves are loaded as objects, for their messages.
    """
    known = _alerts_of(budget_year)
    lagging = [s for s in result.statuses if s.level in ("yellow", "red") and s.checkpoint_seq]
    lag_rows = [
        (s, s.checkpoint_seq, "lag", s.level) for s in lagging if (s.project_id, s.checkpoint_seq, "lag") not in known
    ]
    reminder_rows = [
        (s, s.reminder_seq, "reminder", "reminder")
        for s in result.statuses
        if s.reminder_seq and (s.project_id, s.reminder_seq, "reminder") not in known
    ]
    _insert_alerts(lag_rows, as_of)
    _insert_alerts(reminder_rows, as_of)
    existing = _alerts_of(budget_year) if lag_rows or reminder_rows else known
    plan = _transitions(result.statuses, existing)
    outbox = Outbox(Audience.load(), budget_year)
    figures = []
    for (event, old, new), pairs in plan.items():
        moved = _move([row.id for row, _ in pairs], old, new, event)
        loaded = _loaded(moved)
        for row, status in pairs:
            if row.id in moved:
                alert = loaded[row.id]
                outbox.event(alert, status, event, owners_only=event == "reminder")
                _count(result, event)
                if event in ("escalated", "reopened"):
                    figures.append(
                        # as_of restarts the answer clock (perf.office.deadlines)
                        {
                            "id": alert.id,
                            "planned_pct": status.planned_pct,
                            "actual_pct": status.actual_pct,
                            "as_of": as_of,
                        }
                    )
    if figures:  # the numbers that changed the alert, by primary key in one executemany
        db.session.execute(update(Alert), figures)
    outbox.write()


class _Known(NamedTuple):
    """An alert as the scan reads it: enough to decide what this scan does to it."""

    id: int
    status: str
    level: str
    kind: str


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector out of the scan's loops (they make no reference cycles)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _loaded(ids: set[int]) -> dict[int, Alert]:
    """The moved alerts as objects, read after the move (their new level or status included)."""
    loaded: dict[int, Alert] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        query = select(Alert).where(Alert.id.in_(ordered[start : start + CHUNK]))
        loaded.update((a.id, a) for a in db.session.scalars(query.execution_options(populate_existing=True)))
    return loaded


def _transitions(statuses, existing) -> dict[tuple[str, str, str], list[tuple[_Known, Status]]]:
    """(event, old value, new value) -> the alerts to move, decided from this scan's statuses.

    For ``escalated`` old/new are levels; for every other event they are statuses.
    """
    plan: dict[tuple[str, str, str], list] = defaultdict(list)
    for status in statuses:
        reminder = existing.get((status.project_id, status.reminder_seq, "reminder"))
        if reminder is not None and reminder.status == "new":
            plan[("reminder", "new", "open")].append((reminder, status))
        alert = existing.get((status.project_id, status.checkpoint_seq, "lag"))
        if alert is not None:
            step = _step(alert, status)
            if step:
                plan[step].append((alert, status))
    return plan


def _step(alert: _Known, status: Status) -> tuple[str, str, str] | None:
    """What this scan does to one lag alert, if anything."""
    lagging = status.level in ("yellow", "red")
    if lagging and alert.status == "new":
        return ("opened", "new", "open")
    if lagging and alert.status == "resolved":
        return ("reopened", "resolved", "open")
    if lagging and alert.status != "closed" and worse(status.level, alert.level):
        return ("escalated", alert.level, status.level)
    if not lagging and alert.status in ("open", "answered"):
        return ("resolved", alert.status, "resolved")
    return None


def _move(ids: list[int], old: str, new: str, event: str) -> set[int]:
    """Compare-and-set in one statement per chunk; returns the ids this scan actually moved."""
    column = Alert.level if event == "escalated" else Alert.status
    values = {"level": new, "escalated_at": utcnow()} if event == "escalated" else {"status": new}
    if event == "resolved":
        values["resolved_at"] = utcnow()
    moved: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        statement = (
            update(Alert)
            .where(Alert.id.in_(ids[start : start + CHUNK]), column == old)
            .values(**values)
            .returning(Alert.id)
            .execution_options(synchronize_session=False)
        )
        moved.update(db.session.scalars(statement))
    return moved


def _count(result: ScanResult, event: str) -> None:
    attribute = {"opened": "opened", "reopened": "opened", "escalated": "escalated", "resolved": "resolved"}
    if event == "reminder":
        result.reminders += 1
    else:
        setattr(result, attribute[event], getattr(result, attribute[event]) + 1)


def _lock() -> None:
    """Queue concurrent scans (an advisory lock on the PostgreSQL family; SQLite serialises writers by itself)."""
    transaction_lock(db.session, SCAN_LOCK)


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


def _alerts_of(budget_year) -> dict[tuple[int, int, str], _Known]:
    """(project, checkpoint, kind) -> alert, for every project of the scanned year (one query of tuples)."""
    rows = db.session.execute(
        select(Alert.project_id, Alert.checkpoint_seq, Alert.kind, Alert.id, Alert.status, Alert.level)
        .join(Project, Project.id == Alert.project_id)
        .where(Project.year_id == budget_year.id)
    )
    return {(p, seq, kind): _Known(id_, status, level, kind) for p, seq, kind, id_, status, level in rows}
