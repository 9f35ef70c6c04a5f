"""Trying settings before saving them: today's lights under edited lag rules, a test message; the messages that failed.

Both read the edited values through ``services.overridden`` and write nothing to the database.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from perf.alerts import delivery
from perf.alerts.models import Notification
from perf.errors import RuleError
from perf.extensions import db
from perf.settings import services
from perf.spending.lag import LIGHT_LABELS
from perf.spending.status import compute, scan_year

LIGHTS = ("green", "yellow", "red", "over")


@dataclass
class Preview:
    """The lights of every project of the year as of ``as_of``: now and under the edited rules."""

    as_of: date
    year: int | None
    now: Counter = field(default_factory=Counter)
    edited: Counter = field(default_factory=Counter)
    #: (code, name, light now, light under the edited rules) of the projects whose light changes.
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)

    def counts(self) -> list[tuple[str, int, int]]:
        """(light label, count now, count under the edited rules) for every light."""
        return [(LIGHT_LABELS[light], self.now[light], self.edited[light]) for light in LIGHTS]


def preview(data: dict, as_of: date) -> Preview:
    """What the dashboard's lights would be under ``data`` (a partial object by name, checked by the schema)."""
    loaded = services.load(data)
    budget_year = scan_year(as_of)
    result = Preview(as_of, budget_year.year if budget_year else None)
    if budget_year is None:
        return result
    before = {s.code: s for s in compute(as_of, budget_year)}
    with services.overridden(loaded):
        after = compute(as_of, budget_year)
    for status in after:
        old = before[status.code]
        result.now[old.light] += 1
        result.edited[status.light] += 1
        if old.light != status.light:
            result.changed.append((status.code, status.name, LIGHT_LABELS[old.light], LIGHT_LABELS[status.light]))
    return result


def send_test(data: dict, channel: str, address: str) -> str:
    """Send one test message by e-mail (to ``address``) or to the group robot with the edited settings.

    Returns what the page says; RuleError (field ``test``) when it cannot be sent.
    """
    loaded = services.load(data)
    with services.overridden(loaded):
        values = services.values()
        if channel == "email":
            if not values["mail_host"]:
                raise RuleError({"test": ["请先填写邮件服务器地址"]})
            if "@" not in address:
                raise RuleError({"test_address": ["请填写接收测试邮件的地址"]})
        elif not values["webhook_url"]:
            raise RuleError({"test": ["请先填写群机器人地址"]})
        message = Notification(
            channel="email" if channel == "email" else "webhook",
            address=address if channel == "email" else values["webhook_url"],
            subject="perf 测试消息",
            body="这是 perf 预算绩效目标管理系统的测试消息：收到即说明消息设置可用。",
        )
        try:
            (delivery.send_email if channel == "email" else delivery.send_webhook)(message)
        except Exception as error:  # any failure of the server is told to the admin
            raise RuleError({"test": [f"发送失败：{error}"]}) from None
    return f"测试消息已发送到 {message.address}"


#: How many failed messages the settings page lists (the newest).
FAILED_SHOWN = 20
CHANNEL_LABELS = {"email": "邮件", "webhook": "群机器人"}


def failed_messages() -> tuple[int, list[Notification]]:
    """How many messages could not be sent (given up), and the newest of them, for the admin."""
    failed = Notification.status == "failed"
    total = db.session.scalar(select(func.count(Notification.id)).where(failed)) or 0
    newest = db.session.scalars(select(Notification).where(failed).order_by(Notification.id.desc()).limit(FAILED_SHOWN))
    return total, list(newest)
