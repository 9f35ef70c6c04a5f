"""Tests for the 指标值 parser: every published form, the sample document, and properties."""

from dataclasses import FrozenInstanceError
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perf
from perf.numbers import plain
from perf.projects.indicator_value import (
    Comparator,
    Direction,
    Kind,
    ParsedValue,
    format_value,
    parse_value,
)

GE, LE, GT, LT, EQ = Comparator.GE, Comparator.LE, Comparator.GT, Comparator.LT, Comparator.EQ
HIGHER, LOWER, EQUAL = Direction.HIGHER_BETTER, Direction.LOWER_BETTER, Direction.EQUAL
DIRECTION_OF = {GE: HIGHER, GT: HIGHER, LE: LOWER, LT: LOWER, EQ: EQUAL, None: None}

SAMPLE = Path(perf.__file__).parent / "documents" / "sample" / "fengnan_approval_bureau_2024.txt"

# (text, unit_hint, comparator, number, unit); direction is asserted separately per row.
QUANTITATIVE = [
    # forms named in docs/domain.md#indicator-values
    ("≥40%", None, GE, "40", "%"),
    ("≤28万元", None, LE, "28", "万元"),
    ("<4%", None, LT, "4", "%"),
    (">5%", None, GT, "5", "%"),
    ("100%", None, None, "100", "%"),
    ("7人", None, None, "7", "人"),
    ("2200元/月", None, None, "2200", "元/月"),
    ("≥2200元/月", None, GE, "2200", "元/月"),
    ("≤1280家", None, LE, "1280", "家"),
    ("390.7元/套", None, None, "390.7", "元/套"),
    ("≥100百分比", None, GE, "100", "%"),
    ("≤32.9万元", None, LE, "32.9", "万元"),
    ("32.90万元", None, None, "32.90", "万元"),
    # the unit in a separate column
    ("=100", "%", EQ, "100", "%"),
    ("=100", None, EQ, "100", None),
    ("=100", "百分比", EQ, "100", "%"),
    ("=100", " ％ ", EQ, "100", "%"),
    ("=100", "", EQ, "100", None),
    ("=100", "1月", EQ, "100", None),
    ("=100", "、", EQ, "100", None),
    ("7", "人", None, "7", "人"),
    ("7人", "%", None, "7", "人"),
    ("95%以上", "元", GE, "95", "%"),
    ("95以上", "%", GE, "95", "%"),
    # full-width digits and symbols
    ("≥９５％", None, GE, "95", "%"),
    ("＞5%", None, GT, "5", "%"),
    ("＜4%", None, LT, "4", "%"),
    ("＝0", None, EQ, "0", None),
    ("＞＝95％", None, GE, "95", "%"),
    ("≤３２．９万元", None, LE, "32.9", "万元"),
    ("１，２８０家", None, None, "1280", "家"),
    # ASCII and variant comparator symbols
    (">=95%", None, GE, "95", "%"),
    ("<=3%", None, LE, "3", "%"),
    ("≧95%", None, GE, "95", "%"),
    ("≦3%", None, LE, "3", "%"),
    ("≥=95%", None, GE, "95", "%"),
    ("≤=3%", None, LE, "3", "%"),
    ("=>95%", None, GE, "95", "%"),
    ("=<3%", None, LE, "3", "%"),
    ("⩾95%", None, GE, "95", "%"),
    ("⩽3%", None, LE, "3", "%"),
    ("≮95%", None, GE, "95", "%"),
    ("≯3%", None, LE, "3", "%"),
    ("==0", None, EQ, "0", None),
    # whitespace anywhere
    ("≥ 40 %", None, GE, "40", "%"),
    (" 7 人 ", None, None, "7", "人"),
    ("\t≤ 28 万 元\n", None, LE, "28", "万元"),
    ("≥\u300040\u3000％", None, GE, "40", "%"),
    ("不 低 于 95 %", None, GE, "95", "%"),
    # thousands separators
    ("1,280家", None, None, "1280", "家"),
    ("≤1,280家", None, LE, "1280", "家"),
    ("1,234,567.5元", None, None, "1234567.5", "元"),
    # wording
    ("不低于95%", None, GE, "95", "%"),
    ("不少于10人", None, GE, "10", "人"),
    ("不小于90%", None, GE, "90", "%"),
    ("不高于5%", None, LE, "5", "%"),
    ("不超过28万元", None, LE, "28", "万元"),
    ("不大于3%", None, LE, "3", "%"),
    ("不多于2次", None, LE, "2", "次"),
    ("高于5%", None, GT, "5", "%"),
    ("大于5%", None, GT, "5", "%"),
    ("超过5%", None, GT, "5", "%"),
    ("多于5家", None, GT, "5", "家"),
    ("低于4%", None, LT, "4", "%"),
    ("小于4%", None, LT, "4", "%"),
    ("少于3次", None, LT, "3", "次"),
    ("不足5%", None, LT, "5", "%"),
    ("等于100%", None, EQ, "100", "%"),
    ("达到95%", None, GE, "95", "%"),
    ("达95%", None, GE, "95", "%"),
    ("大于等于95%", None, GE, "95", "%"),
    ("大于或等于95%", None, GE, "95", "%"),
    ("小于等于5%", None, LE, "5", "%"),
    ("小于或等于5%", None, LE, "5", "%"),
    ("至少3次", None, GE, "3", "次"),
    ("最高2200元/月", None, LE, "2200", "元/月"),
    # 以上 / 以下 suffixes
    ("95%以上", None, GE, "95", "%"),
    ("95%及以上", None, GE, "95", "%"),
    ("95%或以上", None, GE, "95", "%"),
    ("3%以下", None, LE, "3", "%"),
    ("3%及以下", None, LE, "3", "%"),
    ("28万元以内", None, LE, "28", "万元"),
    ("≥95%以上", None, GE, "95", "%"),
    ("达到95%以上", None, GE, "95", "%"),
    ("不低于95%及以上", None, GE, "95", "%"),
    (">95%以上", None, GT, "95", "%"),
    ("≤3%以下", None, LE, "3", "%"),
    ("<3%及以下", None, LT, "3", "%"),
    ("10人以上", None, GE, "10", "人"),
    ("100以上", None, GE, "100", None),
    # zero, signs, fractions
    ("0", None, None, "0", None),
    ("0次", None, None, "0", "次"),
    ("≥-5%", None, GE, "-5", "%"),
    ("-5%", None, None, "-5", "%"),
    ("+5%", None, None, "5", "%"),
    ("0.5%", None, None, "0.5", "%"),
    (".5%", None, None, "0.5", "%"),
    ("≤0.001万元", None, LE, "0.001", "万元"),
    # unit spellings
    ("100(%)", None, None, "100", "%"),
    ("100（%）", None, None, "100", "%"),
    ("100（％）", None, None, "100", "%"),
    ("100(百分比)", None, None, "100", "%"),
    ("≥100percent", None, GE, "100", "%"),
    ("≥100 PerCent", None, GE, "100", "%"),
    ("5‰", None, None, "5", "‰"),
    ("1200㎡", None, None, "1200", "㎡"),
    ("20km", None, None, "20", "km"),
    ("５ｋｍ", None, None, "5", "km"),
    ("2024年", None, None, "2024", "年"),
    ("3人次/年", None, None, "3", "人次/年"),
    ("3万人次", None, None, "3", "万人次"),
    ("≤60元/人·月", None, LE, "60", "元/人·月"),
    # huge numbers stay exact
    ("9" * 60 + "元", None, None, "9" * 60, "元"),
    ("≥0." + "0" * 40 + "1%", None, GE, "0." + "0" * 40 + "1", "%"),
]

QUALITATIVE = [
    "",
    "   ",
    "\u3000\t\n",
    "长期使用",
    "服务环境提升、满意度提升",
    "约定期限内",
    "基本保障",
    "有限的资金带来无限的可能",
    "优化营商环境",
    "90%-100%",
    "90%~100%",
    "90%至100%",
    "零投诉/年",
    "提供材料比例40%以上",
    "约95%",
    "≥",
    "%",
    "以上",
    "不低于",
    "≥以上",
    "100%完成",
    "95%以上的群众满意",
    "2200元/月、3000元/月",
    "7人（含1名组长）",
    "≤95%以上",
    "≥3%以下",
    "=5%以上",
    "≥≥95%",
    "不低于≥95%",
    "1e5",
    "5,6",
    "1280,000家",
    "5.",
    "5()",
    "5((%))",
    "5" + "个" * 12,
    "5" + "个" * 13,
    "3个月内完成整改",
    "1年内",
    "5%以上以上",
    "5以上元",
    "5元，满意",
    "٣人",
    "7😀",
    "😀",
    "7\x00人",
    "\x00",
    "≥95%\x7f",
]

# Every distinct 指标值 in the sample document: (comparator, number, unit) or None if qualitative.
SAMPLE_VALUES = {
    "≥40%": (GE, "40", "%"),
    "≥90%": (GE, "90", "%"),
    "≥95%": (GE, "95", "%"),
    "≥98%": (GE, "98", "%"),
    "≥99%": (GE, "99", "%"),
    "≥50%": (GE, "50", "%"),
    "≤28万元": (LE, "28", "万元"),
    "≤32.9万元": (LE, "32.9", "万元"),
    "≤129万元": (LE, "129", "万元"),
    "≤50万元": (LE, "50", "万元"),
    "≤40万元": (LE, "40", "万元"),
    "<4%": (LT, "4", "%"),
    ">5%": (GT, "5", "%"),
    "100%": (None, "100", "%"),
    "7人": (None, "7", "人"),
    "27人": (None, "27", "人"),
    "2200元/月": (None, "2200", "元/月"),
    "≥2200元/月": (GE, "2200", "元/月"),
    "≤1280家": (LE, "1280", "家"),
    "390.7元/套": (None, "390.7", "元/套"),
    "长期使用": None,
    "长期实用": None,
    "服务环境提升、满意度提升": None,
    "提升形象，提升营商环境": None,
    "基本保障": None,
    "优化营商环境": None,
    "约定期限内": None,
    "有限的资金带来无限的可能": None,
    "服务对象满意度提升": None,
    "改善营商环境": None,
}


def sample_indicator_values() -> list[str]:
    """The 指标值 cell of every indicator row of the sample document's 绩效目标表."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    values: list[str] = []
    for start, line in enumerate(lines):
        if line.strip() != "指标值确定依据":
            continue
        row: list[str] = []
        for cell in lines[start + 1 :]:
            if cell and not cell.startswith("\t"):
                break
            if cell:
                row.append(cell[1:])
            elif row:
                values.append(row[-2])
                row = []
        if row:
            values.append(row[-2])
    return values


def assert_quantity(parsed, comparator, number, unit):
    """Assert every field of a quantitative result."""
    assert parsed.kind is Kind.QUANTITATIVE
    assert parsed.comparator is comparator
    assert isinstance(parsed.number, Decimal)
    assert parsed.number == Decimal(number)
    assert parsed.unit == unit
    assert parsed.direction is DIRECTION_OF[comparator]


def assert_qualitative(parsed, text):
    """Assert every field of a qualitative result."""
    assert parsed == ParsedValue(text.strip(), None, None, None, Kind.QUALITATIVE, None)


@pytest.mark.parametrize(("text", "hint", "comparator", "number", "unit"), QUANTITATIVE)
def test_quantitative_forms(text, hint, comparator, number, unit):
    parsed = parse_value(text, hint)
    assert_quantity(parsed, comparator, number, unit)
    assert parsed.text == text.strip()


@pytest.mark.parametrize("text", QUALITATIVE)
def test_qualitative_forms(text):
    assert_qualitative(parse_value(text), text)
    assert_qualitative(parse_value(text, "%"), text)


@pytest.mark.parametrize(
    ("comparator", "direction"),
    [(GE, HIGHER), (GT, HIGHER), (LE, LOWER), (LT, LOWER), (EQ, EQUAL), (None, None)],
)
def test_direction_comes_from_the_comparator_only(comparator, direction):
    text = f"{comparator or ''}28万元"
    assert parse_value(text).direction is direction


def test_number_keeps_the_typed_digits():
    assert parse_value("32.90万元").number.as_tuple() == Decimal("32.90").as_tuple()
    assert parse_value("1,280家").number.as_tuple() == Decimal("1280").as_tuple()
    assert not isinstance(parse_value("0.1%").number, float)


def test_parsed_value_is_frozen():
    with pytest.raises(FrozenInstanceError):
        parse_value("≥40%").number = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(("text", "expected"), sorted(SAMPLE_VALUES.items()))
def test_sample_document_values(text, expected):
    parsed = parse_value(text)
    assert parsed.text == text
    if expected is None:
        assert_qualitative(parsed, text)
    else:
        assert_quantity(parsed, *expected)


def test_sample_document_values_are_all_covered():
    values = sample_indicator_values()
    assert len(values) == 56  # 7 tables x 8 indicator rows
    assert set(values) == set(SAMPLE_VALUES)
    kinds = [parse_value(value).kind for value in values]
    assert kinds.count(Kind.QUALITATIVE) == 11


@pytest.mark.parametrize(
    ("text", "hint", "canonical"),
    [
        ("≥40%", None, "≥40%"),
        ("≥ 40 ％", None, "≥40%"),
        ("≥９５％", None, "≥95%"),
        (">=95%", None, "≥95%"),
        ("≥=95%", None, "≥95%"),
        ("不低于95%", None, "≥95%"),
        ("不超过28万元", None, "≤28万元"),
        ("达到95%及以上", None, "≥95%"),
        ("3%以下", None, "≤3%"),
        ("32.90万元", None, "32.9万元"),
        ("40.000%", None, "40%"),
        ("1,280家", None, "1280家"),
        ("≥100百分比", None, "≥100%"),
        ("100（%）", None, "100%"),
        ("=100", "%", "=100%"),
        ("=100", None, "=100"),
        ("＝0", None, "=0"),
        ("-0%", None, "0%"),
        ("7人", None, "7人"),
        ("390.7元/套", None, "390.7元/套"),
        (" 长期使用 ", None, "长期使用"),
        ("90%-100%", None, "90%-100%"),
        ("", None, ""),
    ],
)
def test_format_value(text, hint, canonical):
    assert format_value(parse_value(text, hint)) == canonical


# ---- properties -------------------------------------------------------------------------

FRAGMENTS = [
    *"0123456789０１２３４５６７８９.,，-+ \u3000()（）%％/、e²٣😀\x00",
    *["≥", "≤", ">", "<", "=", "＞", "＜", "＝", ">=", "≧", "≦", "≥=", "⩾", "≯"],
    *["不低于", "不超过", "高于", "低于", "等于", "达到", "大于", "不足", "达"],
    *["以上", "以下", "及以上", "及以下", "以内", "以", "上", "及"],
    *["百分比", "percent", "万元", "元/月", "人", "家", "次", "个", "提升", "满意度"],
]
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)
any_text = st.one_of(
    st.text(),
    fragment_text,
    st.text(alphabet=st.characters(min_codepoint=0xFF00, max_codepoint=0xFF65)),
)
hints = st.one_of(
    st.none(),
    st.sampled_from(["%", "％", "百分比", "万元", "人", "", "以上", "1月", "(%)"]),
    st.text(max_size=4),
)


@settings(max_examples=500)
@given(any_text, hints)
def test_never_raises_and_fields_are_consistent(text, hint):
    parsed = parse_value(text, hint)
    assert parsed.text == text.strip()
    assert parsed.direction is DIRECTION_OF[parsed.comparator]
    if parsed.kind is Kind.QUALITATIVE:
        assert (parsed.comparator, parsed.number, parsed.unit) == (None, None, None)
        assert format_value(parsed) == parsed.text
    else:
        assert isinstance(parsed.number, Decimal) and parsed.number.is_finite()
        assert parsed.unit is None or (parsed.unit and not any(c.isdecimal() for c in parsed.unit))


@settings(max_examples=500)
@given(any_text, hints)
def test_format_then_parse_round_trips(text, hint):
    parsed = parse_value(text, hint)
    canonical = format_value(parsed)
    again = parse_value(canonical, hint)  # the 度量单位 column (a unit perf's list may not hold) is still there
    assert again.kind is parsed.kind
    if parsed.kind is Kind.QUANTITATIVE:
        assert again.comparator is parsed.comparator
        assert again.number == parsed.number
        assert again.unit == parsed.unit
        assert again.direction is parsed.direction
        assert format_value(again) == canonical


SPELLINGS = {
    "": None,
    "≥": GE, ">=": GE, "＞＝": GE, "≧": GE, "≥=": GE, "不低于": GE, "不少于": GE,
    "不小于": GE, "达到": GE,
    "≤": LE, "<=": LE, "≦": LE, "≤=": LE, "不高于": LE, "不超过": LE, "不大于": LE,
    "不多于": LE,
    ">": GT, "＞": GT, "高于": GT, "大于": GT, "超过": GT,
    "<": LT, "＜": LT, "低于": LT, "小于": LT, "少于": LT,
    "=": EQ, "＝": EQ, "等于": EQ,
}  # fmt: skip
UNITS = {
    "": None, "%": "%", "％": "%", "百分比": "%", "(%)": "%", "（%）": "%", "万元": "万元",
    "元": "元", "元/月": "元/月", "元/套": "元/套", "人": "人", "家": "家", "次": "次",
    "个": "个", "天": "天", "km": "km", "ｋｍ": "km",
}  # fmt: skip
SUFFIXES = {
    None: {"": None, "以上": GE, "及以上": GE, "以下": LE, "及以下": LE, "以内": LE},
    HIGHER: {"": None, "以上": GE, "及以上": GE},
    LOWER: {"": None, "以下": LE, "及以下": LE, "以内": LE},
    EQUAL: {"": None},
}
FULL_WIDTH_DIGITS = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
spaces = st.sampled_from(["", "", " ", "\u3000", "\t"])


@st.composite
def quantities(draw):
    """A quantitative 指标值 in a random spelling, with the parts it must parse back to."""
    spelling = draw(st.sampled_from(sorted(SPELLINGS)))
    comparator = SPELLINGS[spelling]
    sign = draw(st.sampled_from(["", "-"]))
    whole = draw(st.integers(min_value=0, max_value=10**15))
    fraction = draw(st.one_of(st.just(""), st.from_regex(r"[0-9]{1,6}", fullmatch=True)))
    typed = f"{whole:,}" if draw(st.booleans()) else str(whole)
    typed = sign + typed + (f".{fraction}" if fraction else "")
    if draw(st.booleans()):
        typed = typed.translate(FULL_WIDTH_DIGITS)
    unit_spelling = draw(st.sampled_from(sorted(UNITS)))
    suffix = draw(st.sampled_from(sorted(SUFFIXES[DIRECTION_OF[comparator]])))
    parts = [spelling, typed, unit_spelling, suffix]
    text = draw(spaces) + "".join(part + draw(spaces) for part in parts)
    number = Decimal(sign + str(whole) + (f".{fraction}" if fraction else ""))
    expected = comparator or SUFFIXES[None][suffix]
    return text, expected, number, UNITS[unit_spelling]


@settings(max_examples=500)
@given(quantities())
def test_generated_quantities_parse_back_to_their_parts(case):
    text, comparator, number, unit = case
    parsed = parse_value(text)
    assert_quantity(parsed, comparator, number, unit)
    assert parsed.number.as_tuple() == number.as_tuple()
    assert format_value(parsed) == f"{comparator or ''}{plain(number)}{unit or ''}"
