"""The scheduler: one process runs the daily scan (and message retries), following APScheduler's advice.

Jobs are declared in one table with stable ids. ``perf scheduler`` runs them in a
blocking scheduler, in a process of its own: ``make run`` starts one beside the
development server; web workers (gunicorn) never run jobs. A scan missed while nothing
was running is caught up once at start-up (several missed days coalesce into one run).
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import func, select

from perf.alerts.bookkeeping import run_scan
from perf.alerts.delivery import deliver_pending
from perf.alerts.models import ScanRun
from perf.boundary import after_commit, job
from perf.extensions import db

#: What runs each day right after the scan, in its transaction: callback(today) (the office's reminders).
AFTER_SCAN: list = []


def after_scan(callback):
    """Run ``callback(today)`` after each daily scan, before delivery (registered once)."""
    if callback not in AFTER_SCAN:
        AFTER_SCAN.append(callback)
    return callback


def daily_scan(app: Flask) -> None:
    """The scheduled scan of this year's projects for today (local date), then delivery.

    Only the current budget year is scanned: a past year's projects stop being chased
    once the year is over (``perf scan --year`` still reports on them).
    """
    today = local_now(app).date()

    def scan_then_deliver() -> None:
        run_scan(today, source="scheduler", year=today.year)
        for callback in AFTER_SCAN:
            callback(today)
        after_commit(deliver_pending)  # messages go out only once the scan is committed

    job(app, scan_then_deliver)


def retry_delivery(app: Flask) -> None:
    """Send messages whose retry time has come."""
    with app.app_context():
        deliver_pending()


def jobs(app: Flask) -> list[tuple[str, object, object]]:
    """(stable id, function, trigger) for every job."""
    zone = ZoneInfo(app.config["TIMEZONE"])
    hour, minute = (int(x) for x in app.config["SCAN_TIME"].split(":"))
    return [
        ("daily-scan", daily_scan, CronTrigger(hour=hour, minute=minute, timezone=zone)),
        ("retry-delivery", retry_delivery, IntervalTrigger(minutes=5, timezone=zone)),
    ]


def local_now(app: Flask) -> datetime:
    return datetime.now(ZoneInfo(app.config["TIMEZONE"]))


def scan_is_due(app: Flask, now: datetime | None = None) -> bool:
    """True when today's scheduled time has passed and no scheduled scan ran for today."""
    now = now or local_now(app)
    hour, minute = (int(x) for x in app.config["SCAN_TIME"].split(":"))
    if now.time() < time(hour, minute):
        return False
    with app.app_context():
        last = db.session.scalar(select(func.max(ScanRun.as_of)).where(ScanRun.source == "scheduler"))
    return last is None or last < now.date()


def catch_up(app: Flask, now: datetime | None = None) -> bool:
    """Run the scan once now if it was missed; True when it ran."""
    if not scan_is_due(app, now):
        return False
    daily_scan(app)
    return True


def configure(scheduler, app: Flask):
    """Add every job, coalescing missed runs into one."""
    for job_id, function, trigger in jobs(app):
        scheduler.add_job(
            function,
            trigger,
            args=[app],
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
    return scheduler


def run_blocking(app: Flask) -> None:
    """``perf scheduler``: catch up, then run until stopped."""
    catch_up(app)
    configure(BlockingScheduler(timezone=ZoneInfo(app.config["TIMEZONE"])), app).start()


__all__ = ["after_scan", "catch_up", "jobs", "run_blocking", "scan_is_due"]
