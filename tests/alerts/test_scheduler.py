"""The scheduler: jobs with stable ids, the daily time in Asia/Shanghai, catch-up once at start."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import time_machine
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from perf.alerts.models import Alert, ScanRun
from perf.alerts.scheduler import catch_up, configure, jobs, scan_is_due

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_jobs_have_stable_ids_and_the_configured_time(app):
    table = {job_id: (function.__name__, trigger) for job_id, function, trigger in jobs(app)}
    assert set(table) == {"daily-scan", "retry-delivery"}
    name, trigger = table["daily-scan"]
    assert name == "daily_scan" and isinstance(trigger, CronTrigger)
    assert str(trigger.timezone) == "Asia/Shanghai"
    assert {f.name: str(f) for f in trigger.fields}["hour"] == "8"
    assert {f.name: str(f) for f in trigger.fields}["minute"] == "30"


def test_missed_runs_coalesce_into_one(app):
    scheduler = configure(BlockingScheduler(timezone=SHANGHAI), app)
    for job in scheduler.get_jobs():
        assert job.coalesce is True and job.max_instances == 1


def test_catch_up_runs_once_after_the_scheduled_time(app, demo, session):
    before = datetime(2024, 7, 1, 8, 0, tzinfo=SHANGHAI)
    after = datetime(2024, 7, 1, 9, 15, tzinfo=SHANGHAI)
    assert not scan_is_due(app, before)
    with time_machine.travel(after, tick=False):
        assert scan_is_due(app)
        assert catch_up(app) is True
        assert catch_up(app) is False  # today's scheduled scan has run
    runs = session.scalars(sa.select(ScanRun).where(ScanRun.source == "scheduler")).all()
    assert [r.as_of.isoformat() for r in runs] == ["2024-07-01"]
    assert session.scalar(sa.select(sa.func.count(Alert.id))) == 7  # every sample project lags on 2024-07-01


def test_a_day_missed_is_caught_up_the_next_morning(app, demo, session):
    with time_machine.travel(datetime(2024, 7, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        catch_up(app)
    with time_machine.travel(datetime(2024, 7, 3, 8, 45, tzinfo=SHANGHAI), tick=False):
        assert scan_is_due(app)  # 7月2日 was missed: one run now, for today
        catch_up(app)
    runs = session.scalars(sa.select(ScanRun.as_of).where(ScanRun.source == "scheduler").order_by(ScanRun.id)).all()
    assert [r.isoformat() for r in runs] == ["2024-07-01", "2024-07-03"]


def test_the_scheduler_scans_only_the_current_budget_year(app, demo, session):
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert catch_up(app) is True
        assert catch_up(app) is False  # recorded, even with no 2026 projects
    assert session.scalar(sa.select(sa.func.count(Alert.id))) == 0  # 2024's projects are not chased in 2026
