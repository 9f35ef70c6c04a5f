"""Header lines (预算年度, the department, 单位) from paragraphs or cells, and amounts in 元 read as 万元."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.documents._headers import (
    Header,
    amount_in,
    department_headers,
    fields,
    money_unit,
    unit_in_label,
    yuan_to_wan,
)
from perf.documents.reader import Paragraph, Row, TableBreak

BUREAU = "唐山市丰南区行政审批局"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预算年度：2025", ("", [("预算年度", "2025")])),
        ("预算年度: 2025年", ("", [("预算年度", "2025年")])),
        (f"306{BUREAU}　　预算年度：2024　　单位：万元", (f"306{BUREAU}", [("预算年度", "2024"), ("单位", "万元")])),
        ("部门名称：306-唐山市丰南区行政审批局", ("", [("部门名称", f"306-{BUREAU}")])),
        ("金额单位：元", ("", [("金额单位", "元")])),
        ("编制单位：306唐山市丰南区行政审批局 金额单位：元", ("", [("编制单位", f"306{BUREAU}"), ("金额单位", "元")])),
        ("2024年共需支付28万元", ("2024年共需支付28万元", [])),
    ],
)
def test_fields_of_a_header_line(text, expected):
    assert fields(text) == expected


P = Paragraph
HEADERS = [
    # the sample: one row of cells
    ([Row((f"306{BUREAU}", "预算年度：2024", "单位：万元"), "第2行")], [Header("306", BUREAU, 2024, "第2行")]),
    # paragraphs above a table, each on its own line, 单位 between them
    (
        [
            P(f"部门名称：{BUREAU}", "第1段"),
            P("单位：万元", "第2段"),
            P("部门编码：306", "第3段"),
            P("预算年度：2025", "第4段"),
        ],
        [Header("306", BUREAU, 2025, "第1段")],
    ),
    # one paragraph holding all of it
    ([P(f"部门：306-{BUREAU}　预算年度：2025年　单位：元", "第1段")], [Header("306", BUREAU, 2025, "第1段")]),
    # label cells and their value cells
    (
        [Row(("部门编码", "306", "部门名称", BUREAU), "第1个表格第1行"), Row(("预算年度", "2025"), "第1个表格第2行")],
        [Header("306", BUREAU, 2025, "第1个表格第1行")],
    ),
    # an unlabelled "306…局" line counts beside a 预算年度 (before or after it); the header is where the year is
    (
        [Row((f"306{BUREAU}",), "第1个表格第1行"), TableBreak("第1个表格末尾"), P("预算年度：2025", "第2段")],
        [Header("306", BUREAU, 2025, "第2段")],
    ),
    ([P("预算年度：2025　单位：万元", "第1段"), P(f"306{BUREAU}", "第2段")], [Header("306", BUREAU, 2025, "第1段")]),
    # ... and not alone: "2024年部门预算" is no department
    ([P("2024年部门预算", "第1段"), P("306唐山市", "第2段")], []),
    ([P("预算年度2023", "第1段")], [Header("", "", 2023, "第1段")]),
    # two header groups, each its own header
    (
        [P("预算年度：2024", "第1段"), Row(("序号", "收入"), "第1个表格第1行"), P("预算年度：2023", "第2段")],
        [Header("", "", 2024, "第1段"), Header("", "", 2023, "第2段")],
    ),
]


@pytest.mark.parametrize(("blocks", "headers"), HEADERS)
def test_department_headers_from_cells_or_paragraphs(blocks, headers):
    assert department_headers(blocks) == headers


@pytest.mark.parametrize(
    ("block", "unit"),
    [
        (P("单位：元", "第1段"), "元"),
        (P("金额单位：万元", "第1段"), "万元"),
        (Row(("金额单位：元", ""), "第1行"), "元"),
        (Row((f"306{BUREAU}", "预算年度：2024", "单位：万元"), "第2行"), "万元"),
        (P("单位：个", "第1段"), None),
        (P("单位名称：某局", "第1段"), None),
        (TableBreak("第1行"), None),
    ],
)
def test_money_unit(block, unit):
    assert money_unit(block) == unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("预算数（元）", ("预算数", "元")),
        ("年度资金总额（万元）", ("年度资金总额", "万元")),
        ("预算数", ("预算数", None)),
    ],
)
def test_unit_in_label(text, expected):
    assert unit_in_label(text) == expected


@pytest.mark.parametrize(
    ("yuan", "wan"),
    [
        ("2984500.00", "298.45"),
        ("280000", "28.00"),
        ("0.00", "0.00"),
        ("3309840.00", "330.984"),
        ("1.00", "0.0001"),
        ("0.01", "0.000001"),
    ],
)
def test_yuan_to_wan_is_exact(yuan, wan):
    assert str(yuan_to_wan(Decimal(yuan))) == wan


@given(st.integers(min_value=0, max_value=10**13))
def test_any_amount_to_the_fen_converts_exactly(fen):
    yuan = Decimal(fen).scaleb(-2)
    wan = yuan_to_wan(yuan)
    assert wan * 10000 == yuan
    assert wan.as_tuple().exponent >= -6  # 万元 to six places holds every 分
    assert wan.as_tuple().exponent <= -2 or wan == wan.quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("2,984,500.00", "元", (Decimal("298.45"), None)),
        ("2984500.00元", "万元", (Decimal("298.45"), None)),  # the cell names its unit
        ("298.45万元", "元", (Decimal("298.45"), None)),
        ("298.45", "万元", (Decimal("298.45"), None)),
        ("", "元", (None, "预算数为空")),
        ("两百万", "元", (None, "预算数“两百万”不是有效的金额")),
        ("-100.00", "元", (None, "预算数 -100.00 不能为负数")),
        ("100.005", "元", (None, "预算数 100.005 元超过两位小数（金额应精确到分）")),
    ],
)
def test_amount_in(text, unit, expected):
    assert amount_in(text, "预算数", unit) == expected


def test_an_amount_in_yuan_to_the_fen_is_exact_in_wan_and_one_too_large_is_named_as_written():
    # 3,309,840.00 元 = 330.984 万元: six places in 万元 hold every amount in 元 to the 分.
    assert amount_in("3,309,840.00", "预算数", "元") == (Decimal("330.984"), None)
    assert amount_in("0.01", "预算数", "元") == (Decimal("0.000001"), None)
    assert amount_in("10,000,000,000,000.00", "预算数", "元") == (
        None,
        "预算数 1000000000.00 过大（整数部分最多 9 位）（文件中为 10,000,000,000,000.00 元）",
    )
