"""The units a 指标值 may carry (perf/units.py UNITS): each family, compounds, the admin's extra units,
time limits read as 定性, the sample's every value unchanged, and properties."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf.documents.disclosure import load_disclosure
from perf.projects.indicator_value import Kind, is_unit, parse_value, unit_problem
from perf.projects.indicators import value_fields
from perf.units import UNITS, known_unit

SAMPLE = Path(__file__).parents[2] / "perf/documents/sample/fengnan_approval_bureau_2024.txt"

# (family, 指标值, unit read): a number followed by a unit of each family is 定量 with that unit.
BY_FAMILY = [
    ("count", "12个", "个"), ("count", "≥3项", "项"), ("count", "≤2次", "次"), ("count", "500件", "件"),
    ("count", "20台", "台"), ("count", "15套", "套"), ("count", "≤1280家", "家"), ("count", "3所", "所"),
    ("count", "≥4场", "场"), ("count", "12期", "期"), ("count", "2批", "批"), ("count", "6篇", "篇"),
    ("count", "1000份", "份"), ("count", "300册", "册"), ("count", "5批次", "批次"), ("count", "40课时", "课时"),
    ("people", "7人", "人"), ("people", "≥500人次", "人次"), ("people", "120户", "户"), ("people", "3名", "名"),
    ("money", "≤28万元", "万元"), ("money", "3309840元", "元"), ("money", "1.2亿元", "亿元"),
    ("money", "≤800元/人", "元/人"), ("money", "≤5万元/个", "万元/个"), ("money", "≤350元/平方米", "元/平方米"),
    ("money", "2200元/月", "元/月"), ("money", "390.7元/套", "元/套"), ("money", "50千元", "千元"),
    ("time", "≤5天", "天"), ("time", "3日", "日"), ("time", "≤2小时", "小时"), ("time", "≤30分钟", "分钟"),
    ("time", "6个月", "个月"), ("time", "12月", "月"), ("time", "3年", "年"), ("time", "2周", "周"),
    ("time", "≤5工作日", "工作日"), ("time", "≤5个工作日", "个工作日"), ("time", "1个季度", "个季度"),
    ("rate", "≥95%", "%"), ("rate", "≤3‰", "‰"), ("rate", "≥2百分点", "百分点"), ("rate", "提高3个百分点以上", None),
    ("rate", "≥2个百分点", "个百分点"), ("rate", "1.5倍", "倍"),
    ("score", "≥90分", "分"),
    ("area", "1200平方米", "平方米"), ("area", "500亩", "亩"), ("area", "20公顷", "公顷"),
    ("area", "3.5平方公里", "平方公里"), ("area", "1200㎡", "㎡"), ("area", "80m²", "m²"),
    ("length", "300米", "米"), ("length", "≥12公里", "公里"), ("length", "5千米", "千米"), ("length", "20km", "km"),
    ("weight", "≥50吨", "吨"), ("weight", "20千克", "千克"), ("weight", "100公斤", "公斤"), ("weight", "30kg", "kg"),
    ("volume", "≥1000立方米", "立方米"), ("volume", "500方", "方"), ("volume", "20升", "升"), ("volume", "5m³", "m³"),
    ("energy", "≤3000千瓦时", "千瓦时"), ("energy", "200千瓦", "千瓦"),
    ("other", "≤26℃", "℃"),
    # a magnitude before a countable unit
    ("magnitude", "≥3万人次", "万人次"), ("magnitude", "2万册", "万册"), ("magnitude", "十万吨", None),
    ("magnitude", "1.5万亩", "万亩"), ("magnitude", "3千万元", "千万元"),
    # compounds of listed units
    ("compound", "3人次/年", "人次/年"), ("compound", "≤60元/人·月", "元/人·月"), ("compound", "≤2次/年", "次/年"),
    ("compound", "≥40公里/小时", "公里/小时"), ("compound", "≤15元/吨", "元/吨"), ("compound", "2万元/户", "万元/户"),
    # Latin spellings ignore case; brackets and full-width forms fold as before
    ("latin", "20KM", "KM"), ("latin", "５ｋｍ", "km"), ("latin", "100(万元)", "万元"), ("latin", "100（%）", "%"),
]  # fmt: skip

# Text after the number that is no unit, or a unit followed by more text: 定性 (no time limit is modelled).
NOT_A_UNIT = [
    "3个月内完成整改", "1年内", "当年完成", "3日内办结", "2小时内响应", "1年内完成", "3个月内", "5天内",
    "30分钟内到达现场", "2次以上检查", "12个月完成", "7人（含1名组长）", "100%完成", "3人以上参加",
    "5个个", "10年以上经验的", "3项制度", "2024年底前", "6月底", "95%群众满意", "3件/人以上好评",
    "5元，满意", "3万人次参加", "12号", "3楼", "1次/年以上检查", "5kgs",
]  # fmt: skip


@pytest.mark.parametrize(("family", "text", "unit"), [row for row in BY_FAMILY if row[2] is not None])
def test_a_number_and_a_listed_unit_is_a_quantity(family, text, unit):
    parsed = parse_value(text)
    assert parsed.kind is Kind.QUANTITATIVE, family
    assert parsed.unit == unit
    assert isinstance(parsed.number, Decimal)


def test_every_family_is_listed_with_what_the_issue_names():
    named = {
        "count": "个 项 次 件 台 套 家 所 场 期 批 篇 份 册", "people": "人 人次 户 名",
        "money": "元 万元 亿元 元/人 万元/个 元/平方米", "time": "天 日 小时 分钟 个月 月 年 周 工作日",
        "rate": "% ‰ 百分点", "area": "平方米 亩 公顷 平方公里", "length": "米 公里 千米", "weight": "吨 千克 公斤",
    }  # fmt: skip
    for family, units in named.items():
        assert set(units.split()) <= set(UNITS[family]), family
        assert all(known_unit(unit) for unit in units.split())
    assert "volume" in UNITS and all(not any(c.isdecimal() for c in u) for f in UNITS.values() for u in f)


@pytest.mark.parametrize("text", ["提高3个百分点以上", "十万吨"])
def test_what_the_parser_reads_around_the_list(text):
    # 提高 is not a comparator spelling (定性); 十万吨 has no digits (定性)
    assert parse_value(text).kind is Kind.QUALITATIVE


@pytest.mark.parametrize("text", NOT_A_UNIT)
def test_text_after_the_number_that_is_no_unit_makes_it_qualitative(text):
    parsed = parse_value(text)
    assert (parsed.kind, parsed.number, parsed.unit, parsed.comparator) == (Kind.QUALITATIVE, None, None, None)
    assert parsed.text == text


@pytest.mark.parametrize(
    ("text", "unit"),
    [("3个月以内", "个月"), ("30天以内", "天"), ("2小时以内", "小时"), ("不超过5个工作日", "个工作日")],
)
def test_a_time_with_a_comparator_stays_a_quantity(text, unit):
    parsed = parse_value(text)
    assert (parsed.kind, parsed.comparator.value, parsed.unit) == (Kind.QUANTITATIVE, "≤", unit)


@pytest.mark.parametrize(
    ("text", "extra", "unit"),
    [
        ("≥3车·日", ["车·日"], "车·日"),
        ("≥3 车 · 日", ["车 · 日"], "车·日"),
        ("12标段", ["标段"], "标段"),
        ("≤2盏/标段", ["标段"], "盏/标段"),
        ("5标段/年", ["标段"], "标段/年"),
        ("3万标段", ["标段"], None),  # a magnitude is for the listed countable units only
        ("20ＭＵ", ["mu"], "MU"),
    ],
)
def test_an_extra_unit_counts_where_it_is_passed(text, extra, unit):
    assert parse_value(text).kind is Kind.QUALITATIVE  # not without the extra unit
    parsed = parse_value(text, None, extra)
    if unit is None:
        assert parsed.kind is Kind.QUALITATIVE
    else:
        assert (parsed.kind, parsed.unit) == (Kind.QUANTITATIVE, unit)
        assert is_unit(unit, extra) and not is_unit(unit)


def test_extra_units_reach_the_indicator_fields():
    assert value_fields("≥12标段", "产出指标", "数量指标")["kind"] == "qualitative"
    fields = value_fields("≥12标段", "产出指标", "数量指标", None, ["标段"])
    assert (fields["kind"], fields["target"], fields["unit"], fields["direction"]) == (
        "quantitative", Decimal(12), "标段", "higher_better",
    )  # fmt: skip


def test_a_unit_column_is_taken_as_written_listed_or_not():
    assert parse_value("=12", "标段").unit == "标段"  # 度量单位 says it is a unit
    assert parse_value("=12", "1月").unit is None


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        ("", "1 到 10 个字"), ("一二三四五六七八九十壹", "1 到 10 个字"), ("2人", "不能含数字"), ("人３", "不能含数字"),
        ("≥人", "比较符号"), ("人以上", "比较词"), ("不超过次", "比较词"), ("人!", "只能由文字"), ("元 月", None),
        ("人·次", None), ("盏/百米", None), ("标段", None), ("mu", None), ("一二三四五六七八九十", None),
    ],
)  # fmt: skip
def test_what_an_extra_unit_may_be(unit, message):
    problem = unit_problem(unit)
    assert (problem is None) if message is None else (message in problem), problem


# ---- the sample: every 指标值 keeps the parse it had before the unit list ----------------------

#: (项目编码, row, 指标值, kind, comparator, target, unit, direction H/L/E), captured with the parser of
#: main before this change (value_fields over every indicator row of the sample document).
SAMPLE_BEFORE = [
    ('13020724P00X4BL10005W', 1, '≥40%', 'quant', '≥', '40', '%', 'H'),
    ('13020724P00X4BL10005W', 2, '≥90%', 'quant', '≥', '90', '%', 'H'),
    ('13020724P00X4BL10005W', 3, '≥95%', 'quant', '≥', '95', '%', 'H'),
    ('13020724P00X4BL10005W', 4, '≤28万元', 'quant', '≤', '28', '万元', 'L'),
    ('13020724P00X4BL10005W', 5, '≥95%', 'quant', '≥', '95', '%', 'H'),
    ('13020724P00X4BL10005W', 6, '≥98%', 'quant', '≥', '98', '%', 'H'),
    ('13020724P00X4BL10005W', 7, '长期使用', 'quali', None, None, None, None),
    ('13020724P00X4BL10005W', 8, '≥98%', 'quant', '≥', '98', '%', 'H'),
    ('13020724P00EL6T100050', 1, '≥98%', 'quant', '≥', '98', '%', 'H'),
    ('13020724P00EL6T100050', 2, '<4%', 'quant', '<', '4', '%', 'L'),
    ('13020724P00EL6T100050', 3, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00EL6T100050', 4, '≤32.9万元', 'quant', '≤', '32.9', '万元', 'L'),
    ('13020724P00EL6T100050', 5, '>5%', 'quant', '>', '5', '%', 'H'),
    ('13020724P00EL6T100050', 6, '服务环境提升、满意度提升', 'quali', None, None, None, None),
    ('13020724P00EL6T100050', 7, '提升形象，提升营商环境', 'quali', None, None, None, None),
    ('13020724P00EL6T100050', 8, '≥98%', 'quant', '≥', '98', '%', 'H'),
    ('13020724P00F48410007F', 1, '7人', 'quant', None, '7', '人', 'H'),
    ('13020724P00F48410007F', 2, '2200元/月', 'quant', None, '2200', '元/月', 'H'),
    ('13020724P00F48410007F', 3, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00F48410007F', 4, '2200元/月', 'quant', None, '2200', '元/月', 'L'),
    ('13020724P00F48410007F', 5, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00F48410007F', 6, '7人', 'quant', None, '7', '人', 'H'),
    ('13020724P00F48410007F', 7, '基本保障', 'quali', None, None, None, None),
    ('13020724P00F48410007F', 8, '≥95%', 'quant', '≥', '95', '%', 'H'),
    ('13020724P00F484100083', 1, '7人', 'quant', None, '7', '人', 'H'),
    ('13020724P00F484100083', 2, '2200元/月', 'quant', None, '2200', '元/月', 'H'),
    ('13020724P00F484100083', 3, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00F484100083', 4, '2200元/月', 'quant', None, '2200', '元/月', 'L'),
    ('13020724P00F484100083', 5, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00F484100083', 6, '7人', 'quant', None, '7', '人', 'H'),
    ('13020724P00F484100083', 7, '基本保障', 'quali', None, None, None, None),
    ('13020724P00F484100083', 8, '≥95%', 'quant', '≥', '95', '%', 'H'),
    ('13020724P00J22H100076', 1, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00J22H100076', 2, '≤129万元', 'quant', '≤', '129', '万元', 'L'),
    ('13020724P00J22H100076', 3, '≥2200元/月', 'quant', '≥', '2200', '元/月', 'H'),
    ('13020724P00J22H100076', 4, '27人', 'quant', None, '27', '人', 'H'),
    ('13020724P00J22H100076', 5, '27人', 'quant', None, '27', '人', 'H'),
    ('13020724P00J22H100076', 6, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00J22H100076', 7, '≥50%', 'quant', '≥', '50', '%', 'H'),
    ('13020724P00J22H100076', 8, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00000410001A', 1, '≤1280家', 'quant', '≤', '1280', '家', 'L'),
    ('13020724P00000410001A', 2, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00000410001A', 3, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00000410001A', 4, '≤50万元', 'quant', '≤', '50', '万元', 'L'),
    ('13020724P00000410001A', 5, '390.7元/套', 'quant', None, '390.7', '元/套', 'H'),
    ('13020724P00000410001A', 6, '优化营商环境', 'quali', None, None, None, None),
    ('13020724P00000410001A', 7, '长期实用', 'quali', None, None, None, None),
    ('13020724P00000410001A', 8, '≥99%', 'quant', '≥', '99', '%', 'H'),
    ('13020724P00P8L210007E', 1, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00P8L210007E', 2, '100%', 'quant', None, '100', '%', 'H'),
    ('13020724P00P8L210007E', 3, '约定期限内', 'quali', None, None, None, None),
    ('13020724P00P8L210007E', 4, '≤40万元', 'quant', '≤', '40', '万元', 'L'),
    ('13020724P00P8L210007E', 5, '有限的资金带来无限的可能', 'quali', None, None, None, None),
    ('13020724P00P8L210007E', 6, '服务对象满意度提升', 'quali', None, None, None, None),
    ('13020724P00P8L210007E', 7, '改善营商环境', 'quali', None, None, None, None),
    ('13020724P00P8L210007E', 8, '≥98%', 'quant', '≥', '98', '%', 'H'),
]  # fmt: skip
DIRECTIONS = {"H": "higher_better", "L": "lower_better", "E": "equal", None: None}


def test_every_sample_value_keeps_its_parse():
    disclosure = load_disclosure(SAMPLE.read_bytes(), SAMPLE.name)
    now = []
    for project in disclosure.projects:
        for position, row in enumerate(project.indicators, start=1):
            fields = value_fields(row.value, row.level1, row.level2)
            target = None if fields["target"] is None else str(fields["target"])
            now.append((project.code, position, row.value, fields["kind"], fields["comparator"], target,
                        fields["unit"], fields["direction"]))  # fmt: skip
    before = [(*row[:3], "quantitative" if row[3] == "quant" else "qualitative", *row[4:7], DIRECTIONS[row[7]])
              for row in SAMPLE_BEFORE]  # fmt: skip
    assert now == before
    assert len(now) == 56


# ---- properties -------------------------------------------------------------------------------

LISTED = sorted({unit for family in UNITS.values() for unit in family})
COMPARATORS = ["", "≥", "≤", ">", "<", "=", "不低于", "不超过"]
numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
#: Words that are no unit and cannot end one (each begins with a character no listed unit starts a tail with).
TAILS = ["内完成整改", "内", "内办结", "完成", "整改", "满意", "以上检查", "参加", "左右", "底前", "（含1名组长）"]


@settings(max_examples=300)
@given(st.sampled_from(COMPARATORS), numbers, st.sampled_from(LISTED))
def test_a_number_then_a_listed_unit_is_quantitative_with_that_unit(comparator, number, unit):
    parsed = parse_value(f"{comparator}{number}{unit}")
    assert parsed.kind is Kind.QUANTITATIVE
    assert parsed.unit == ("%" if unit == "%" else unit)
    assert parsed.number == number


@settings(max_examples=300)
@given(st.sampled_from(COMPARATORS), numbers, st.sampled_from(LISTED), st.sampled_from(TAILS))
def test_a_listed_unit_then_more_text_is_qualitative(comparator, number, unit, tail):
    text = f"{comparator}{number}{unit}{tail}"
    assert not is_unit(unit + tail)
    parsed = parse_value(text)
    assert (parsed.kind, parsed.number, parsed.unit) == (Kind.QUALITATIVE, None, None)


@settings(max_examples=300)
@given(st.text(), st.one_of(st.none(), st.text(max_size=4)), st.lists(st.text(max_size=12), max_size=4))
def test_the_parser_never_raises_whatever_the_extra_units(text, hint, extra):
    parsed = parse_value(text, hint, extra)
    assert parsed.text == text.strip()
    if parsed.kind is Kind.QUALITATIVE:
        assert (parsed.number, parsed.unit) == (None, None)


@settings(max_examples=200)
@given(numbers, st.text(alphabet="标段盏组", min_size=1, max_size=4))
def test_an_allowed_extra_unit_makes_its_value_quantitative(number, unit):
    assert unit_problem(unit) is None
    parsed = parse_value(f"≥{number}{unit}", None, [unit])
    assert (parsed.kind, parsed.unit, parsed.number) == (Kind.QUANTITATIVE, unit, number)
