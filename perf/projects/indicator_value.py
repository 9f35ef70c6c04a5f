"""Parse a 绩效目标表 指标值 (e.g. ``≥40%``, ``≤28万元``, ``7人``) into its measurable parts.

A value is quantitative (定量) only when it is, after removing whitespace: an optional
comparator (symbol or wording such as 不低于), one number, an optional unit, and an
optional 以上/以下 suffix. Everything else is qualitative (定性). Parsing never raises.
See docs/domain.md#indicator-values.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from perf.numbers import plain


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
_UNIT_SYMBOLS = frozenset("/%‰°℃℉·²³㎡㎥㎞㎏㎎㎜㎝")
_MAX_UNIT_LENGTH = 12


class _NotQuantity(Exception):
    """Internal signal: the text is not one clean quantity, so it is qualitative."""


def parse_value(text: str, unit_hint: str | None = None) -> ParsedValue:
    """Parse a 指标值; ``unit_hint`` (a separate unit column) is used only if the text has none."""
    published = text.strip()
    try:
        comparator, number, unit = _quantity(_compact(published))
    except _NotQuantity:
        return ParsedValue(published, None, None, None, Kind.QUALITATIVE, None)
    if unit is None:
        unit = _hint_unit(unit_hint)
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


def _quantity(text: str) -> tuple[Comparator | None, Decimal, str | None]:
    """Split compact text into (comparator, number, unit) or raise _NotQuantity."""
    prefix, rest = _split_prefix(text)
    match = _NUMBER.match(rest)
    if match is None:
        raise _NotQuantity
    number = _to_decimal(match.group())
    tail, suffix = _split_suffix(rest[match.end() :])
    return _merge(prefix, suffix), number, _unit(tail)


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


def _unit(tail: str) -> str | None:
    """Normalise the text after the number into a unit, or raise _NotQuantity if implausible."""
    if not tail:
        return None
    if len(tail) > 2 and tail[0] == "(" and tail[-1] == ")":
        tail = tail[1:-1]
    if tail.lower() in _PERCENT_SPELLINGS:
        return "%"
    if not _plausible_unit(tail):
        raise _NotQuantity
    return tail


def _plausible_unit(unit: str) -> bool:
    """A unit is short, made of letters and unit symbols, and carries no comparator word."""
    if len(unit) > _MAX_UNIT_LENGTH or ("%" in unit and unit != "%"):
        return False
    if any(word in unit for word in _SUFFIX_WORDS):
        return False
    return all(_unit_char(char) for char in unit)


def _unit_char(char: str) -> bool:
    """Letters (any script, including 汉字) and a few unit symbols; never a digit."""
    return char in _UNIT_SYMBOLS or unicodedata.category(char).startswith("L")


def _hint_unit(unit_hint: str | None) -> str | None:
    """Normalise a separate unit column; an implausible hint is ignored."""
    if unit_hint is None:
        return None
    try:
        return _unit(_compact(unit_hint))
    except _NotQuantity:
        return None
