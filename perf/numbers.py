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
#: A stored 万元 amount in a spreadsheet: two places, more where the amount has them (330.984).
WAN_FORMAT = "#,##0.00####"


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


#: Money in 万元 is held to six places (0.000001 万元 is 0.01 元), so every amount in 元 to the 分 is exact
#: in 万元, and at most nine digits before the point: fifteen significant digits, which SQLite's REAL
#: storage also holds exactly (docs/domain.md#money-precision).
WAN_PLACES = 6
WAN_INTEGER_DIGITS = 9
_WAN_QUANTUM = Decimal(1).scaleb(-WAN_PLACES)
_YUAN_PER_WAN = Decimal(10000)


def exact_wan(value: Decimal) -> Decimal:
    """A 万元 amount to six places, half up: a sum read back from SQLite loses its float noise."""
    return Decimal(value).quantize(_WAN_QUANTUM, rounding=ROUNDING)


def wan_value(value: Decimal) -> Decimal:
    """A 万元 amount as it is written: two places where that is exact (28.00), else its own (330.984)."""
    exact = exact_wan(value)
    two = exact.quantize(TWO_PLACES)
    return two if two == exact else exact.normalize()


def wan_text(value: Decimal | None) -> str | None:
    """A 万元 amount as perf writes it: two places when that is exact ("28.00"), else every place it
    has up to six ("330.984", which is 3,309,840.00 元); None stays None."""
    if value is None:
        return None
    exact = exact_wan(value)
    two = exact.quantize(TWO_PLACES)
    return f"{two:f}" if two == exact else plain(exact)


def wan_grouped(value: Decimal | None) -> str | None:
    """``wan_text`` with thousands separators, as the pages show 万元: 1,231,345.60 or 1,330.984."""
    if value is None:
        return None
    exact = exact_wan(value)
    two = exact.quantize(TWO_PLACES)
    return f"{two:,.2f}" if two == exact else f"{exact:,f}".rstrip("0")


def wan_to_yuan(value: Decimal | None) -> Decimal | None:
    """A 万元 amount in 元, exact to the 分 (330.984 -> 3309840.00)."""
    return None if value is None else round2(Decimal(value) * _YUAN_PER_WAN)
