"""Exact decimal arithmetic for money and percents: the one place rounding is named.

See docs/domain.md#money-and-percents.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

#: Every rounding in perf is half up (四舍五入), as finance staff compute by hand.
ROUNDING = ROUND_HALF_UP

TWO_PLACES = Decimal("0.01")
ONE = Decimal(1)
#: Full-width digits and signs as Chinese input methods type them, to their ASCII forms.
FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")
HUNDRED = Decimal(100)
#: The number format of every money cell perf writes to a spreadsheet (1,231,345.60).
MONEY_FORMAT = "#,##0.00"


def round2(value: Decimal) -> Decimal:
    """Round to two decimal places, half up (money in 万元/元, percents, scores)."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUNDING)


def round0(value: Decimal) -> Decimal:
    """Round to a whole number, half up (a forecast percent: 72.5 -> 73)."""
    return Decimal(value).quantize(ONE, rounding=ROUNDING)


def fmt2(value: Decimal | None) -> str | None:
    """Format with exactly two decimal places, half up; None stays None."""
    return None if value is None else f"{round2(value):f}"


def grouped(value: Decimal | None) -> str | None:
    """Two places with thousands separators, as finance staff write money: 1,231,345.60."""
    if value is None:
        return None
    return f"{round2(Decimal(value)):,.2f}"


def plain(value: Decimal | None) -> str | None:
    """Format without exponent or trailing zeros: Decimal('40.000') -> '40'."""
    if value is None:
        return None
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_decimal(text: str) -> Decimal | None:
    """Parse a plain decimal string (thousands separators allowed); None if it is not one."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None
