"""Parse a 绩效目标表 指标值 (e.g. ``≥40%``, ``≤28万元``, ``7人``) into its measurable parts.

A value is quantitative (定量) only when it is, after removing whitespace: an optional
comparator (symbol or wording such as 不低于), one number, an optional known unit (``perf.units.UNITS``,
plus the admin's extra units), and an optional 以上/以下 suffix. Everything else is qualitative
(定性): ``3个月内完成整改`` and ``1年内`` are, their text after the number being no unit.
Parsing never raises. See docs/domain.md#indicator-values and docs/domain.md#units.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from perf.numbers import plain
from perf.units import known_unit


class Comparator(StrEnum):
    """How the actual value must relate to the target number."""

    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="


class Kind(StrEnum):
    """定量 (a number to measure against) or 定性 (a description judged by a reviewer)."""

    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class Direction(StrEnum):
    """Which way is better, as implied by the comparator alone."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    EQUAL = "equal"


@dataclass(frozen=True)
class ParsedValue:
    """One parsed 指标值; ``text`` is the input as published, surrounding whitespace stripped."""

    text: str
    comparator: Comparator | None
    number: Decimal | None
    unit: str | None
    kind: Kind
    direction: Direction | None


_DIRECTIONS = {
    Comparator.GE: Direction.HIGHER_BETTER,
    Comparator.GT: Direction.HIGHER_BETTER,
    Comparator.LE: Direction.LOWER_BETTER,
    Comparator.LT: Direction.LOWER_BETTER,
    Comparator.EQ: Direction.EQUAL,
}

#: Prefix spellings (after full-width folding), space-separated; matched longest first.
_SPELLINGS = {
    Comparator.GE: "≥ ≧ ⩾ ≮ >= ≥= => 不低于 不少于 不小于 大于等于 大于或等于 达到 达 至少 最少 最低",
    Comparator.LE: "≤ ≦ ⩽ ≯ <= ≤= =< 不高于 不超过 不大于 不多于 小于等于 小于或等于 至多 最多 最高",
    Comparator.GT: "> 高于 大于 超过 多于",
    Comparator.LT: "< 低于 小于 少于 不足",
    Comparator.EQ: "= == 等于",
}
_PREFIXES = sorted(
    ((word, comparator) for comparator, words in _SPELLINGS.items() for word in words.split()),
    key=lambda item: -len(item[0]),
)

#: Trailing words that carry a comparator of their own, matched longest first.
_SUFFIXES = (
    ("及以上", Comparator.GE),
    ("或以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("或以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
)
_SUFFIX_WORDS = ("以上", "以下", "以内")

_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PERCENT_SPELLINGS = frozenset({"%", "百分比", "percent"})
#: The longest unit column (度量单位) text taken as a unit.
_MAX_UNIT_LENGTH = 12
#: The longest unit the admin may add (系统设置 extra_units).
_MAX_EXTRA_LENGTH = 10

#: What a unit may not hold: comparator symbols and words, 以上/以下 (docs/domain.md#units).
_COMPARATOR_SYMBOLS = frozenset("≥≤><=≧≦⩾⩽≮≯")
_UNIT_SYMBOLS = frozenset("/%‰°℃℉·²³㎡㎥㎞㎏㎎㎜㎝")


class _NotQuantity(Exception):
    """Internal signal: the text is not one clean quantity, so it is qualitative."""


def parse_value(text: str, unit_hint: str | None = None, extra_units: Iterable[str] = ()) -> ParsedValue:
    """Parse a 指标值; ``unit_hint`` (a separate unit column) is used only if the text has none.

    ``extra_units`` are units the admin added (系统设置) beside ``UNITS``; the callers that run in
    the app pass ``tunables.get("extra_units")``.
    """
    published = text.strip()
    hinted = _hint_unit(unit_hint)
    units = _folded(extra_units) | _folded([hinted] if hinted else [])  # the column's unit may follow the number
    try:
        comparator, number, unit = _quantity(_compact(published), units)
    except _NotQuantity:
        return ParsedValue(published, None, None, None, Kind.QUALITATIVE, None)
    if unit is None:
        unit = hinted
    direction = None if comparator is None else _DIRECTIONS[comparator]
    return ParsedValue(published, comparator, number, unit, Kind.QUANTITATIVE, direction)


def format_value(value: ParsedValue) -> str:
    """Canonical text: comparator + plain number + unit (``≥40%``); qualitative -> its text."""
    if value.kind is Kind.QUALITATIVE or value.number is None:
        return value.text
    return f"{value.comparator or ''}{plain(value.number)}{value.unit or ''}"


def _compact(text: str) -> str:
    """Fold full-width ASCII (＞ ％ ９) to half-width and drop all whitespace."""
    return "".join(text.translate(_FULL_WIDTH).split())


def is_unit(text: str, extra_units: Iterable[str] = ()) -> bool:
    """True when ``text`` (whitespace and full-width forms aside) is a unit a 指标值 may end with.

    The rule is ``perf.units.known_unit``'s: listed in ``UNITS`` or ``extra_units``, a magnitude
    before a countable one (万人次, 亿元), or listed ones joined by / or · (元/人·月, 人次/年).
    """
    return known_unit(_compact(text), _folded(extra_units))


def unit_problem(text: str) -> str | None:
    """Why ``text`` cannot be an extra unit (系统设置), in Chinese; None when it can."""
    unit = _compact(text)
    if not 1 <= len(unit) <= _MAX_EXTRA_LENGTH:
        return f"每个计量单位应为 1 到 {_MAX_EXTRA_LENGTH} 个字"
    if any(char.isdecimal() for char in unit):
        return f"计量单位“{unit}”不能含数字"
    if any(char in _COMPARATOR_SYMBOLS for char in unit) or any(
        word in unit for word in (*(spelling for spelling, _ in _PREFIXES), *_SUFFIX_WORDS)
    ):
        return f"计量单位“{unit}”不能含比较符号或比较词（如 ≥、不低于、以上）"
    if not all(_unit_char(char) for char in unit):
        return f"计量单位“{unit}”只能由文字和 / % ‰ ° ℃ ² · 等符号组成"
    return None


def compact_value(text: str) -> str:
    """``text`` as the parser reads it: full-width ASCII folded, no whitespace (``ｋｍ `` -> ``km``)."""
    return _compact(text)


def _folded(extra_units: Iterable[str] | None) -> frozenset[str]:
    """The extra units as the parser compares them (compact, case-folded)."""
    return frozenset(_compact(unit).casefold() for unit in extra_units or () if isinstance(unit, str))


def _quantity(text: str, extra: frozenset[str]) -> tuple[Comparator | None, Decimal, str | None]:
    """Split compact text into (comparator, number, unit) or raise _NotQuantity."""
    prefix, rest = _split_prefix(text)
    match = _NUMBER.match(rest)
    if match is None:
        raise _NotQuantity
    number = _to_decimal(match.group())
    tail, suffix = _split_suffix(rest[match.end() :])
    return _merge(prefix, suffix), number, _unit(tail, extra)


def _split_prefix(text: str) -> tuple[Comparator | None, str]:
    """Remove a leading comparator spelling, if any."""
    for spelling, comparator in _PREFIXES:
        if text.startswith(spelling):
            return comparator, text[len(spelling) :]
    return None, text


def _split_suffix(text: str) -> tuple[str, Comparator | None]:
    """Remove a trailing 以上/以下 style word, if any."""
    for word, comparator in _SUFFIXES:
        if text.endswith(word):
            return text[: -len(word)], comparator
    return text, None


def _to_decimal(digits: str) -> Decimal:
    """Exact Decimal from matched digits (thousands separators removed)."""
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the regex admits only valid numbers
        raise _NotQuantity from error


def _merge(prefix: Comparator | None, suffix: Comparator | None) -> Comparator | None:
    """Combine prefix and suffix comparators; contradicting directions are not a quantity."""
    if suffix is None:
        return prefix
    if prefix is None:
        return suffix
    if _DIRECTIONS[prefix] != _DIRECTIONS[suffix]:
        raise _NotQuantity
    return prefix


def _unit(tail: str, extra: frozenset[str]) -> str | None:
    """Normalise the text after the number into a unit, or raise _NotQuantity if it is not one.

    Text that is not a known unit (``个月内完成整改``, ``年内``) makes the value qualitative.
    """
    tail = _unwrapped(tail)
    if tail is None:
        return None
    if tail.lower() in _PERCENT_SPELLINGS:
        return "%"
    if not known_unit(tail, extra):
        raise _NotQuantity
    return tail


def _unwrapped(tail: str) -> str | None:
    """The unit text without the brackets around it (``(%)``); None for no text."""
    if not tail:
        return None
    if len(tail) > 2 and tail[0] == "(" and tail[-1] == ")":
        return tail[1:-1]
    return tail


def _plausible_unit(unit: str) -> bool:
    """A separate unit column's text: short, made of letters and unit symbols, and carries no comparator word."""
    if len(unit) > _MAX_UNIT_LENGTH or ("%" in unit and unit != "%"):
        return False
    if any(word in unit for word in _SUFFIX_WORDS):
        return False
    return all(_unit_char(char) for char in unit)


def _unit_char(char: str) -> bool:
    """Letters (any script, including 汉字) and a few unit symbols; never a digit."""
    return char in _UNIT_SYMBOLS or unicodedata.category(char).startswith("L")


def _hint_unit(unit_hint: str | None) -> str | None:
    """Normalise a separate unit column (度量单位); an implausible hint is ignored.

    The column says it holds a unit, so any short text of letters and unit symbols is taken,
    listed or not (``UNITS`` decides only what may follow the number in the 指标值 itself).
    """
    tail = _unwrapped(_compact(unit_hint)) if unit_hint is not None else None
    if tail is None:
        return None
    if tail.lower() in _PERCENT_SPELLINGS:
        return "%"
    return tail if _plausible_unit(tail) else None
