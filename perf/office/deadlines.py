"""The office's time limits: when each year's work is due and how long an alert may wait for an answer.

Settings (month-days, validated at start-up, see docs/domain.md "Deadlines"):

- ``TARGET_DEADLINE`` (default ``01-31``): a 绩效目标表 not approved by then is late (目标申报);
- ``MIDYEAR_DEADLINE`` (default ``08-15``): the mid-year round's entries (监控填报);
- ``SELF_EVALUATION_DEADLINE`` (default ``03-31``, of the year after the budget year): 自评;
- ``DEADLINE_REMINDER_DAYS`` (default 7): one reminder this many days before each;
- ``ALERT_ANSWER_DAYS`` (default 10): an unanswered alert is reminded after this many days from the
  scan that opened (or escalated) it, and escalated after twice as many.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from perf import tunables
from perf.midyear.settings import parse_round

#: stage -> (setting, label, years after the budget year)
STAGES = {
    "target": ("TARGET_DEADLINE", "目标申报", 0),
    "midyear": ("MIDYEAR_DEADLINE", "监控填报", 0),
    "self_evaluation": ("SELF_EVALUATION_DEADLINE", "绩效自评", 1),
}


@dataclass(frozen=True)
class Limits:
    """The settings, read once."""

    days_before: int
    answer_days: int
    month_days: dict[str, tuple[int, int]]

    @classmethod
    def load(cls, config=None) -> "Limits":
        config = config if config is not None else tunables.config()
        month_days = {}
        for stage, (setting, _, _) in STAGES.items():
            try:
                month_days[stage] = parse_round(config[setting])
            except RuntimeError:
                raise RuntimeError(f"{setting} (PERF_{setting}) must be a month-day such as 03-31") from None
        days = {}
        for setting in ("DEADLINE_REMINDER_DAYS", "ALERT_ANSWER_DAYS"):
            value = config[setting]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RuntimeError(f"{setting} (PERF_{setting}) must be a whole number of days ≥ 1, not {value!r}")
            days[setting] = value
        return cls(days["DEADLINE_REMINDER_DAYS"], days["ALERT_ANSWER_DAYS"], month_days)

    def due(self, stage: str, year: int) -> date:
        """The deadline of ``stage`` for budget year ``year``."""
        month, day = self.month_days[stage]
        return date(year + STAGES[stage][2], month, day)

    def reminder_on(self, stage: str, year: int) -> date:
        """The day the deadline's reminder goes out."""
        return self.due(stage, year) - timedelta(days=self.days_before)

    def answer_due(self, alert_since: date) -> date:
        """The last day to answer an alert the scan opened (or escalated) on ``alert_since``."""
        return alert_since + timedelta(days=self.answer_days)

    def escalation_on(self, alert_since: date) -> date:
        """The day an unanswered alert goes to the reviewers and leaders."""
        return alert_since + timedelta(days=2 * self.answer_days)


def label(stage: str) -> str:
    """The stage in Chinese."""
    return STAGES[stage][1]
