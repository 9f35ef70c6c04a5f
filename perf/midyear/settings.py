"""The round date setting: ``MIDYEAR_ROUND = "07-31"`` (month-day within each budget year)."""

import re
from datetime import date

from perf import tunables

_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})")


class RoundSettingError(RuntimeError):
    """MIDYEAR_ROUND is not a month-day that exists in every year."""


def parse_round(value: object) -> tuple[int, int]:
    """(month, day) of a "MM-DD" setting; RoundSettingError naming the setting otherwise.

    02-29 is refused: the round must exist in every budget year.
    """
    match = _MONTH_DAY.fullmatch(value.strip()) if isinstance(value, str) else None
    month, day = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    try:
        date(2023, month, day)  # a common year: 02-29 does not exist in every year
    except ValueError:
        raise RoundSettingError(
            f"MIDYEAR_ROUND (PERF_MIDYEAR_ROUND) must be a month-day such as 07-31, not {value!r}"
        ) from None
    return month, day


def round_date(year: int, setting: object | None = None) -> date:
    """The round's date in ``year`` (from the app's MIDYEAR_ROUND unless ``setting`` is given)."""
    month, day = parse_round(tunables.get("midyear_round") if setting is None else setting)
    return date(year, month, day)
