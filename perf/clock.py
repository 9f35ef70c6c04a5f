"""What day it is for perf: today in the configured TIMEZONE (PERF_TIMEZONE), as the scheduler counts it,
never the server's local date (a server set to UTC is still on yesterday until 08:00 in Beijing)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    """The current moment in TIMEZONE (aware)."""
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


def today() -> date:
    """Today's date in TIMEZONE: the default of every page's and command's "as of" date."""
    return now().date()
