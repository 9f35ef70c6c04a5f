"""The flat 绩效目标 reader (pure): headers by name or synonym anywhere, merged or blank project cells carried
down, codes from "820001-名称", 元 to 万元, 指标性质 + 指标值 + 度量单位, 指标方向性 and 权重, problems by row."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.documents.flat import is_local_code, load_targets, local_code
from tests.documents import flat_files as f


def _indicator_values(result, code):
    table = next(t for t in result.projects if t.code == code)
    return [(row.level1, row.name, row.value) for row in table.indicators]


@pytest.mark.parametrize(
    "data",
    [f.xlsx(), f.csv_bytes(), f.csv_bytes(encoding="utf-8-sig"), f.xlsx(f.flat_rows(carry=True), merge=False)],
    ids=["xlsx-merged", "csv-gbk", "csv-utf8-bom", "xlsx-repeated"],
)
def test_every_layout_of_the_same_table_reads_the_same(data):
    result = load_targets(data, "绩效目标.xlsx" if data.startswith(b"PK") else "绩效目标.csv")
    assert result.problems == []
    assert (result.department_code, result.department_name, result.year) == ("820", "马踏镇部门", 2023)
    assert [(u.code, u.name) for u in result.units] == [
        ("820001", "井研县马踏镇人民政府"),
        ("820002", "井研县马踏镇社会事务服务中心"),
    ]
    assert [(t.code, t.unit, t.total, t.fiscal, t.other) for t in result.projects] == [
        ("51112323R000000012345", "井研县马踏镇人民政府", Decimal("330.984"), Decimal("330.984"), Decimal(0)),
        ("51112323R000000012346", "井研县马踏镇人民政府", Decimal("50"), Decimal("50"), Decimal(0)),
        ("51112323R000000012347", "井研县马踏镇社会事务服务中心", Decimal("120"), Decimal("120"), Decimal(0)),
    ]
    assert _indicator_values(result, "51112323R000000012345") == [
        ("产出指标", "养护道路里程", "≥35公里"),
        ("效益指标", "道路完好率", "≥95%"),
        ("产出指标", "养护成本", "≤330.984万元"),
        ("满意度指标", "群众满意度", "≥90%"),
        ("产出指标", "完成时限", "年底前完成"),
    ]
    assert _indicator_values(result, "51112323R000000012347") == [
        ("产出指标", "补助人数", "=120人"),
        ("效益指标", "补助按时发放率", "100%"),
    ]
    assert result.projects[0].goal == f.GOAL_A and result.projects[0].indicators[0].description == "全年养护里程"
    assert result.weights["51112323R000000012345"] == [Decimal(w) for w in ("20", "20", "20", "15", "15")]
    assert result.ignored_columns == ["评(扣)分标准"]
    assert result.amount_unit == "元"
    assert result.warnings == []


def test_headers_are_found_by_synonym_in_any_order_below_any_title():
    renamed = {"单位名称": "预算单位", "预算数": "预算金额", "三级指标": "指标名称", "度量单位": "计量单位"}
    head = [renamed.get(h, h) for h in f.HEADER]
    order = list(reversed(range(len(head))))
    rows = [[row[i] for i in order] for row in f.flat_rows(carry=True)]
    data = f.xlsx(rows, header_row=[head[i] for i in order], merge=False, title="某某县 " + f.TITLE)
    result = load_targets(data, "t.xlsx")
    assert result.problems == []
    assert [t.code for t in result.projects][:1] == ["51112323R000000012345"]
    assert _indicator_values(result, "51112323R000000012346")[0] == ("产出指标", "补植面积", "≥2000平方米")


def test_amounts_in_wan_are_read_as_wan():
    rows = f.flat_rows()
    for row in rows:
        if row[3] and row[2]:
            row[3] = {"3,309,840.00": "330.984", "500,000.00": "50", "1,200,000.00": "120"}[row[3]]
    result = load_targets(f.xlsx(rows, unit_line="单位：万元"), "t.xlsx")
    assert result.problems == [] and result.amount_unit == "万元"
    assert [t.total for t in result.projects] == [Decimal("330.984"), Decimal("50"), Decimal("120")]


def test_a_file_without_unit_line_is_read_in_yuan_with_a_warning():
    result = load_targets(f.xlsx(unit_line=None), "t.xlsx")
    assert result.projects[0].total == Decimal("330.984")
    assert [w.message for w in result.warnings] == ["文件未注明金额单位，按“元”读取"]


def test_a_file_without_codes_gets_local_codes_keyed_by_unit_and_name():
    result = load_targets(f.xlsx(with_codes=False), "t.xlsx")
    assert result.problems == []
    codes = [t.code for t in result.projects]
    assert all(is_local_code(code) for code in codes)
    assert codes[0] == local_code("井研县马踏镇人民政府", "镇村道路养护经费")
    assert codes == [t.code for t in load_targets(f.csv_bytes(with_codes=False), "t.csv").projects]  # stable


@pytest.mark.parametrize(
    ("year", "title", "expected", "problem"),
    [
        (None, f.TITLE, 2023, None),
        (2023, f.TITLE, 2023, None),
        (2024, "绩效目标申报表", 2024, None),
        (2024, f.TITLE, 2024, "标题为 2023 年度，与指定的 2024 年度不一致"),
        (None, "绩效目标申报表", 0, "无法确定预算年度：请在表头上方的标题中写明年度，如“（2025年度）”"),
    ],
)
def test_the_year_comes_from_the_title_or_is_given(year, title, expected, problem):
    result = load_targets(f.xlsx(title=title), "t.xlsx", year)
    assert result.year == expected
    assert [p.message for p in result.problems] == ([problem] if problem else [])


def test_an_unknown_layout_lists_what_perf_looked_for_and_what_it_found():
    data = "序号,名称,金额\n1,办公费,100\n".encode()
    result = load_targets(data, "t.csv")
    assert len(result.problems) == 1
    message = result.problems[0].message
    assert message.startswith("无法识别表格格式：缺少必需的列")
    assert "perf 查找的表头有：单位名称（必需）、项目编码、项目名称（必需）" in message
    assert message.endswith("文件中的表头为：序号、名称、金额")


def test_problems_name_their_rows_and_nothing_is_half_read():
    rows = f.flat_rows()
    rows[2][9] = None  # 道路完好率 without 指标值 (file line 3 + 1 + 2 = 6)
    rows[3][8] = "约"  # an unknown 指标性质 (line 7)
    rows[6][3] = None  # 镇区绿化补植 without 预算数: its first row (line 10)
    rows[6][4] = None
    result = load_targets(f.xlsx(rows, merge=False), "t.xlsx")
    assert [(p.location, p.message) for p in result.problems] == [
        ("第6行", "请填写指标值"),
        ("第7行", "指标性质“约”应为 ≥、≤、=、>、< 或 定性"),
        ("第10行", "项目“镇区绿化补植”：请填写预算数"),
    ]


def test_a_project_cell_that_differs_on_a_later_row_is_a_problem():
    rows = f.flat_rows(carry=True)
    rows[3][3] = "3,309,900.00"
    result = load_targets(f.xlsx(rows, merge=False), "t.xlsx")
    assert [p.location for p in result.problems] == ["第7行"]
    assert "预算数“3,309,900.00”与本项目上方的“3,309,840.00”不同" in result.problems[0].message


def test_direction_against_the_comparator_and_weights_off_90_are_warnings():
    rows = f.flat_rows()
    rows[1][12] = "反向指标"  # 养护道路里程 ≥35公里 said to be 反向
    rows[7][11] = "35"  # 补植面积 30 → 35: 镇区绿化补植's weights sum to 95
    result = load_targets(f.xlsx(rows), "t.xlsx")
    assert result.problems == []
    assert [(w.location, w.message) for w in result.warnings] == [
        ("第5行", "“养护道路里程”的指标方向性为反向指标，但指标值“≥35公里”的比较符方向相反，请核对"),
        ("第10行", "项目“镇区绿化补植”的指标权重合计为 95，不是 90"),
    ]
    assert result.projects[0].indicators[0].value == "≥35公里"  # said, not guessed


def test_without_a_department_row_the_first_coded_unit_stands_for_it():
    result = load_targets(f.xlsx(f.flat_rows(department_row=False)), "t.xlsx")
    assert result.problems == []
    assert (result.department_code, result.department_name) == ("820001", "井研县马踏镇人民政府")
    assert "文件中没有部门行" in result.warnings[0].message


@pytest.mark.parametrize(
    ("nature", "value", "measure", "expected"),
    [
        ("≥", "40", "%", "≥40%"),
        (">=", "40", "%", "≥40%"),
        ("大于等于", "40", "%", "≥40%"),
        ("≤", "28", "万元", "≤28万元"),
        ("＝", "7", "人", "=7人"),
        ("<", "3", "天", "<3天"),
        ("", "≥95%", "%", "≥95%"),
        ("≥", "≥95", "%", "≥95%"),
        ("", "7", "人", "7人"),
        ("定性", "长期使用", "", "长期使用"),
        ("定性", "3个月内完成整改", "个月", "3个月内完成整改"),
    ],
)
def test_nature_value_and_unit_make_the_value_perf_parses(nature, value, measure, expected):
    rows = f.flat_rows()
    rows[1][8], rows[1][9], rows[1][10] = nature, value, measure
    result = load_targets(f.xlsx(rows), "t.xlsx")
    assert result.problems == []
    assert result.projects[0].indicators[0].value == expected


@given(st.binary(max_size=300))
def test_any_bytes_give_problems_never_an_exception(data):
    result = load_targets(data, "t.csv")
    assert result.problems or result.projects


@given(st.integers(min_value=0, max_value=10**12 - 1), st.integers(min_value=0, max_value=99))
def test_an_amount_in_yuan_becomes_wan_exactly(yuan, fen):
    text = f"{yuan:,}.{fen:02d}"
    rows = f.flat_rows()
    rows[1][3] = text
    result = load_targets(f.xlsx(rows), "t.xlsx")
    assert result.projects[0].total * 10000 == Decimal(f"{yuan}.{fen:02d}")


def test_the_upload_pages_template_is_a_flat_table_perf_reads(app):
    from perf.imports.workbook import template_bytes

    with app.app_context():
        data = template_bytes("targets")
    result = load_targets(data, "模板.xlsx")
    assert result.problems == [] and result.ignored_columns == []
    assert (result.department_code, result.units[0].code) == ("001", "001001")
    assert [(t.code, t.total, t.indicators[0].value) for t in result.projects] == [
        ("13020725P00000000001A", Decimal("28"), "≥3套")
    ]
    assert result.weights["13020725P00000000001A"] == [Decimal(10)]
