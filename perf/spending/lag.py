"""Lag levels as a pure decision: an ordered list of rules, the first that matches wins.

The default follows the provincial systems finance staff know: ratio = actual ÷ planned
× 100; nothing planned yet -> green; ratio < 60 -> red; ratio < 80 -> yellow; else green.
A deployment can configure its own list (``LAG_RULES``) in the same form.
See docs/domain.md#spending-progress-and-lag.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perf.numbers import HUNDRED, round2

LEVELS = ("green", "yellow", "red")
LEVEL_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}
#: The dashboard's lights: a level, or 超支 for a project that paid more than its budget (Status.light).
LIGHT_LABELS = {**LEVEL_LABELS, "over": "超支"}
#: How bad a level is, for "worsens" and "worst of".
SEVERITY = {"green": 0, "yellow": 1, "red": 2}

#: (condition, threshold, level); conditions: "planned_zero", "ratio_below", "always".
DEFAULT_RULES: tuple[tuple[str, Decimal | None, str], ...] = (
    ("planned_zero", None, "green"),
    ("ratio_below", Decimal(60), "red"),
    ("ratio_below", Decimal(80), "yellow"),
    ("always", None, "green"),
)


@dataclass(frozen=True)
class Lag:
    """The decision for one project at one date."""

    level: str
    ratio: Decimal | None  # actual ÷ planned × 100, 2 places; None when nothing was planned
    gap_pp: Decimal  # planned − actual, in percentage points


def ratio(planned: Decimal, actual: Decimal) -> Decimal | None:
    """actual ÷ planned × 100, 2 places half up; None when nothing was planned."""
    return None if planned == 0 else round2(actual / planned * HUNDRED)


def classify(
    planned: Decimal, actual: Decimal, rules: Sequence[tuple[str, Decimal | None, str]] = DEFAULT_RULES
) -> Lag:
    """The level of a project whose plan expects ``planned`` percent and which spent ``actual``."""
    r = ratio(planned, actual)
    for condition, threshold, level in rules:
        if _matches(condition, threshold, planned, r):
            return Lag(level, r, round2(planned - actual))
    raise ValueError("lag rules must end with an 'always' rule")


def _matches(condition: str, threshold: Decimal | None, planned: Decimal, r: Decimal | None) -> bool:
    if condition == "planned_zero":
        return planned == 0
    if condition == "ratio_below":
        return r is not None and r < threshold
    if condition == "always":
        return True
    raise ValueError(f"unknown lag condition {condition!r}")


def parse_rules(config: Sequence[Sequence]) -> tuple[tuple[str, Decimal | None, str], ...]:
    """Rules from configuration such as ``[["ratio_below", "60", "red"], ["always", null, "green"]]``."""
    rules = []
    for condition, threshold, level in config:
        if level not in LEVELS:
            raise ValueError(f"unknown lag level {level!r}")
        value = None if threshold is None else Decimal(str(threshold))
        _matches(condition, value, Decimal(1), Decimal(1))  # rejects unknown conditions
        rules.append((condition, value, level))
    if not rules or rules[-1][0] != "always":
        raise ValueError("lag rules must end with an 'always' rule")
    return tuple(rules)


def worse(a: str, b: str) -> bool:
    """True when level ``a`` is worse than ``b``."""
    return SEVERITY[a] > SEVERITY[b]
