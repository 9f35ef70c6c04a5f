"""From a typed 指标值 to the stored indicator fields, with the 成本 direction rule.

See docs/domain.md#indicator-values.
"""

from collections.abc import Iterable

from perf.projects.indicator_value import Direction, Kind, ParsedValue, parse_value


def is_cost(level1: str, level2: str) -> bool:
    """True under 成本指标, whether it is the 一级 (2021 scheme) or the 二级 (2020 scheme)."""
    return "成本" in level1 or "成本" in level2


def effective_direction(parsed: ParsedValue, level1: str, level2: str) -> Direction | None:
    """The direction a target is scored by.

    A comparator decides; with none (``7人``, ``100%``) a target is higher-is-better,
    except under 成本, where spending less is better. Qualitative targets have none.
    """
    if parsed.kind is Kind.QUALITATIVE:
        return None
    if parsed.direction is not None:
        return parsed.direction
    return Direction.LOWER_BETTER if is_cost(level1, level2) else Direction.HIGHER_BETTER


def value_fields(
    value_text: str, level1: str, level2: str, unit_hint: str | None = None, extra_units: Iterable[str] = ()
) -> dict:
    """The parsed columns of an indicator row for ``value_text`` (``extra_units``: the admin's, 系统设置)."""
    parsed = parse_value(value_text, unit_hint, extra_units)
    direction = effective_direction(parsed, level1, level2)
    return {
        "value_text": parsed.text,
        "comparator": parsed.comparator.value if parsed.comparator else None,
        "target": parsed.number,
        "unit": parsed.unit,
        "kind": parsed.kind.value,
        "direction": direction.value if direction else None,
    }
