"""Units of measure: the one money-unit table and every conversion between money units.

Money is written in 元, 千元, 万元, 百万元 or 亿元, alone (``≤28万元``) or per something
(``2200元/月``). Amounts in two money units compare after conversion; ``元/月`` and
``万元/月`` convert, ``元/月`` and ``元/套`` do not. See docs/domain.md#money-and-percents.
"""

from decimal import Decimal

#: Every money unit and its size in 元.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
YUAN_PER_WAN = MONEY_UNITS["万元"]
#: Spellings longest first, so 万元 is not read as 元 and 百万元 not as 万元.
_BY_LENGTH = sorted(MONEY_UNITS, key=len, reverse=True)


class UnitMismatch(ValueError):
    """Two units that do not compare; the message is in Chinese."""


def money(unit: str | None) -> tuple[Decimal, str] | None:
    """(size in 元, what it is per: "" or "/月") of a money unit; None for anything else."""
    if unit is None:
        return None
    head, slash, rest = unit.partition("/")
    return (MONEY_UNITS[head], slash + rest) if head in MONEY_UNITS else None


def is_money_unit(unit: str | None) -> bool:
    """元, 万元, 亿元 … and per-unit money such as 元/月, 元/套, 元/人."""
    return unit is not None and unit.startswith(tuple(_BY_LENGTH))


def in_wan(number: Decimal, unit: str | None) -> Decimal | None:
    """An amount in 万元 when ``unit`` is a plain money unit; None for 元/月 and non-money."""
    if unit not in MONEY_UNITS:
        return None
    return number * MONEY_UNITS[unit] / YUAN_PER_WAN


def unit_mismatch(target_unit: str | None, actual_unit: str | None, what: str = "实际完成值") -> str | None:
    """A Chinese message when ``what`` in ``actual_unit`` cannot be compared with the target, else None.

    A missing unit on either side is taken to be the other side's; money units convert.
    """
    if target_unit is None or actual_unit is None or target_unit == actual_unit:
        return None
    target_money, actual_money = money(target_unit), money(actual_unit)
    if target_money and actual_money and target_money[1] == actual_money[1]:
        return None
    return f"{what}的单位“{actual_unit}”与年度指标值的单位“{target_unit}”不一致"


def to_target_unit(value: Decimal, value_unit: str | None, target_unit: str | None) -> Decimal:
    """``value`` expressed in the target's unit (27.5万元 ← 275000元); UnitMismatch when they do not compare."""
    message = unit_mismatch(target_unit, value_unit)
    if message:
        raise UnitMismatch(message)
    if target_unit is None or value_unit is None or target_unit == value_unit:
        return value
    return value * money(value_unit)[0] / money(target_unit)[0]
