"""Every default "today" is today in PERF_TIMEZONE (config TIMEZONE), as the scheduler counts it, never the
server's local date: at 01:00 in Beijing a UTC server is still on yesterday."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from perf import clock

PERF = Path(__file__).resolve().parent.parent / "perf"
#: 2024-07-01 17:30 UTC is 2024-07-02 01:30 in Beijing and 2024-07-01 13:30 in New York.
MOMENT = datetime(2024, 7, 1, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "today"),
    [
        ("Asia/Shanghai", MOMENT, date(2024, 7, 2)),
        ("UTC", MOMENT, date(2024, 7, 1)),
        ("America/New_York", MOMENT, date(2024, 7, 1)),
        ("Asia/Shanghai", datetime(2024, 12, 31, 16, 0, tzinfo=UTC), date(2025, 1, 1)),  # the year turns in Beijing
        ("Asia/Shanghai", datetime(2024, 12, 31, 15, 59, tzinfo=UTC), date(2024, 12, 31)),
    ],
)
def test_today_is_the_date_in_the_configured_zone(app, zone, moment, today):
    app.config["TIMEZONE"] = zone
    try:
        with app.app_context(), time_machine.travel(moment, tick=False):
            assert clock.today() == today
    finally:
        app.config["TIMEZONE"] = "Asia/Shanghai"


def test_perf_scan_defaults_to_today_in_beijing(runner, demo):
    with time_machine.travel(MOMENT, tick=False):
        result = runner.invoke(args=["perf", "scan", "--no-deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2024-07-02 检查 2024 年度 7 个项目")


def test_the_dashboard_defaults_to_today_in_beijing(client, users, login):
    with time_machine.travel(MOMENT, tick=False):
        login(users["reviewer"])
        page = client.get("/departments/306/2024/dashboard")
    assert page.status_code == 200
    assert "2024-07-02" in page.get_data(as_text=True)


def test_no_module_asks_the_server_for_its_local_date():
    local = re.compile(r"date\.today\(\)|datetime\.now\(\)|datetime\.today\(\)")
    found = [f"{p.relative_to(PERF)}:{n}" for p in PERF.rglob("*.py") for n, line in
             enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if local.search(line)]  # fmt: skip
    assert found == [], "use perf.clock.today() / clock.now(): " + ", ".join(found)
