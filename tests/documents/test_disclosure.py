"""parse_disclosure / load_disclosure: the sample, docx = txt, and each fault named."""

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf.documents.disclosure import (
    Disclosure,
    IndicatorRow,
    Problem,
    UnitRow,
    load_disclosure,
    parse_disclosure,
)
from perf.documents.reader import read_document
from tests.documents import docx_builder as build

SAMPLE = Path(__file__).parents[2] / "perf/documents/sample/fengnan_approval_bureau_2024.txt"
KINDS = ["docx", "txt"]
P1 = "绩效目标表1《网络维护费》"
P2 = "绩效目标表2《业务经费》"


@pytest.fixture(scope="module")
def sample() -> Disclosure:
    return load_disclosure(SAMPLE.read_bytes(), SAMPLE.name)


def sample_lines(cut: int | None = None, replace: dict[int, str] | None = None) -> bytes:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for number, text in (replace or {}).items():
        lines[number - 1] = text
    return "\n".join(lines[:cut]).encode("utf-8")


# -- the sample ------------------------------------------------------------------------------

CODES = [
    ("13020724P00X4BL10005W", "“互联网+政务服务”行政审批网络维护费", "28.00", (15, 30, 85, 100)),
    ("13020724P00EL6T100050", "公共资源交易中心运转经费", "32.90", (25, 50, 90, 100)),
    ("13020724P00F48410007F", "就业见习基本生活费补贴", "3.71", (25, 50, 75, 100)),
    ("13020724P00F484100083", "就业生活补贴（区级垫付）", "14.84", (25, 50, 75, 100)),
    ("13020724P00J22H100076", "劳务派遣人员经费（劳务费）", "129.00", (25, 50, 90, 100)),
    ("13020724P00000410001A", "新设企业印章免费刻制服务", "50.00", (25, 50, 85, 100)),
    ("13020724P00P8L210007E", "业务经费", "40.00", (30, 60, 90, 100)),
]


def test_sample_parses_cleanly(sample):
    assert sample.problems == []
    assert sample.warnings == []
    assert (sample.department_code, sample.department_name, sample.year) == (
        "306",
        "唐山市丰南区行政审批局",
        2024,
    )
    assert (sample.stated_total, sample.stated_basic, sample.stated_project) == (
        Decimal("1439.91"),
        Decimal("1141.46"),
        Decimal("298.45"),
    )
    assert sum(p.total for p in sample.projects) == Decimal("298.45")


def test_sample_units(sample):
    assert sample.units == [
        UnitRow("唐山市丰南区行政审批局本级", "行政", "正科级", "财政拨款", "部门机构设置表，第1655行"),
        UnitRow("唐山市丰南区公交资源交易中心", "事业", "副科级", "其他", "部门机构设置表，第1660行"),
    ]


def test_sample_projects(sample):
    got = [(p.code, p.title, f"{p.total:f}", tuple(int(pct) for _, _, pct in p.plan)) for p in sample.projects]
    assert got == CODES
    for project in sample.projects:
        assert project.name == project.title
        assert project.fiscal == project.total
        assert project.other == 0
        assert [label for _, label, _ in project.plan] == ["3月底", "6月底", "10月底", "12月底"]
        assert [d for d, _, _ in project.plan] == [
            date(2024, 3, 31),
            date(2024, 6, 30),
            date(2024, 10, 31),
            date(2024, 12, 31),
        ]
        assert len(project.indicators) == 8


def test_sample_first_project_in_full(sample):
    project = sample.projects[0]
    assert project.location == "绩效目标表1《“互联网+政务服务”行政审批网络维护费》，第1717行"
    assert project.purpose.startswith("2024年共需支付28万元。主要用于：1、全省政务服务事项")
    assert project.purpose.endswith("3、市审批局网络维护费1.8万元。")
    assert project.goal == ("1.整合政务资源，优化服务流程，强化业务协同，为企业和群众提供全流程一体化在线政务服务。")
    table = "绩效目标表1《“互联网+政务服务”行政审批网络维护费》"
    assert project.indicators[0] == IndicatorRow(
        "产出指标",
        "数量指标",
        "提供材料比例",
        "企业和群众办事提供的材料减少的比例",
        "≥40%",
        "网上审批事项工作台账",
        f"{table}，第1760行",
    )
    # the second row comes after the table was split; its 一级 is filled down
    assert project.indicators[1] == IndicatorRow(
        "产出指标",
        "质量指标",
        "办理结果电子化率",
        "事项办理结果中电子结果占比",
        "≥90%",
        "网上审批事项工作台账",
        f"{table}，第1769行",
    )
    assert [(i.level1, i.level2) for i in project.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "经济效益指标"),
        ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]


def test_sample_filled_down_rows(sample):
    cost = sample.projects[2].indicators[3]
    assert cost == IndicatorRow(
        "产出指标",
        "成本指标",
        "人均发放水平",
        "人均发放水平",
        "2200元/月",
        "工资表",
        "绩效目标表3《就业见习基本生活费补贴》，第1985行",
    )
    qualitative = sample.projects[6].indicators[4]
    assert (qualitative.level1, qualitative.level2, qualitative.name, qualitative.value) == (
        "效益指标",
        "经济效益指标",
        "资金使用效益",
        "有限的资金带来无限的可能",
    )


# -- docx and txt agree ----------------------------------------------------------------------


def without_locations(disclosure: Disclosure) -> Disclosure:
    def clear(item):
        return dataclasses.replace(item, location="")

    projects = [dataclasses.replace(clear(p), indicators=[clear(i) for i in p.indicators]) for p in disclosure.projects]
    tables = [
        dataclasses.replace(
            t, where="", header=[], rows=[dataclasses.replace(r, where="") for r in t.rows], warnings=[]
        )
        for t in disclosure.budget_tables
    ]
    checks = [dataclasses.replace(c, warnings=[w.message for w in c.warnings]) for c in disclosure.budget_checks]
    return dataclasses.replace(
        disclosure,
        budget_tables=tables,
        budget_checks=checks,
        units=[clear(u) for u in disclosure.units],
        projects=projects,
        problems=[p.message for p in disclosure.problems],
        warnings=[w.message for w in disclosure.warnings],
    )


TWO_PROJECTS = build.Spec(
    stated=("1209.46", "1141.46", "68.00"),
    projects=[
        build.Project(),
        build.Project(
            title="业务经费",
            code="13020724P00P8L210007E",
            total="40.00",
            fiscal="30.00",
            other="10.00",
            percents=("30%", "60%", "90%", "100%"),
        ),
    ],
)


def test_docx_equals_text_export():
    from_docx = load_disclosure(*build.render(TWO_PROJECTS, "docx"))
    from_text = load_disclosure(*build.render(TWO_PROJECTS, "txt"))
    assert from_docx.problems == [] and from_docx.warnings == []
    assert without_locations(from_docx) == without_locations(from_text)
    second = from_docx.projects[1]
    assert (second.total, second.fiscal, second.other) == (
        Decimal("40.00"),
        Decimal("30.00"),
        Decimal("10.00"),
    )
    assert second.purpose == build.Project().purpose
    assert second.location == f"{P2}，第8段"  # empty paragraphs count, are not blocks


@pytest.mark.parametrize("kind", KINDS)
def test_merged_indicator_cells_are_filled_down(kind):
    data, name = build.render(TWO_PROJECTS, kind)
    project = load_disclosure(data, name).projects[0]
    expected = [row[:2] for row in build.INDICATORS]
    assert [(i.level1, i.level2) for i in project.indicators] == expected
    table = build.project_table(TWO_PROJECTS, 1, "indicators")
    assert project.indicators[1].location == f"{P1}，{build.where(TWO_PROJECTS, kind, table, 3)}"


@pytest.mark.parametrize("kind", KINDS)
def test_2021_scheme_with_cost_as_level1_is_accepted(kind):
    rows = [
        ("产出指标", "数量指标", "见习岗人员数量", "人数", "7人", "协议书"),
        ("成本指标", "经济成本指标", "人均发放水平", "标准", "≤2200元/月", "工资表"),
        ("成本指标", "经济成本指标", "预算控制数", "总额", "≤28万元", "合同"),
        ("成本指标", "社会成本指标", "社会成本", "无", "0", "评估"),
        ("满意度指标", "服务对象满意度指标", "满意度", "满意度", "≥95%", "问卷"),
    ]
    spec = build.Spec(projects=[build.Project(indicators=rows)])
    parsed = load_disclosure(*build.render(spec, kind))
    assert parsed.problems == []
    got = [(i.level1, i.level2, i.name, i.value) for i in parsed.projects[0].indicators]
    assert got == [(r[0], r[1], r[2], r[4]) for r in rows]


# -- faults: each one a problem naming the table and the row ---------------------------------


def project(**changes) -> build.Spec:
    return build.Spec(projects=[build.Project(**changes)])


def rows_with(index: int, row: tuple[str, ...]) -> list[tuple[str, ...]]:
    rows = list(build.INDICATORS)
    rows[index] = row
    return rows


def duplicate_codes() -> build.Spec:
    twin = build.Project(title="业务经费", total="0.00", fiscal="0.00")
    return build.Spec(projects=[build.Project(), twin])


def other_checkpoints() -> build.Spec:
    later = build.Project(
        title="业务经费", total="0.00", fiscal="0.00", code="P2",
        checkpoints=("6月底", "12月底"), percents=("50%", "100%"),
    )  # fmt: skip
    return build.Spec(projects=[build.Project(), later])


# (id, spec, project number, "header"/"indicators", table row (1-based), messages)
FAULTS = [
    ("percent-120", project(percents=("15%", "30%", "85%", "120%")), 1, "header", 6,
     ["12月底的计划支出进度 120% 超出 0–100% 的范围", "12月底的计划支出进度应为 100%，实为 120%"]),
    ("plan-goes-down", project(percents=("30%", "20%", "85%", "100%")), 1, "header", 6,
     ["6月底的计划支出进度 20% 低于上一节点的 30%，累计进度不能下降"]),
    ("plan-not-100", project(percents=("15%", "30%", "85%", "90%")), 1, "header", 6,
     ["12月底的计划支出进度应为 100%，实为 90%"]),
    ("percent-not-number", project(percents=("15%", "三成", "85%", "100%")), 1, "header", 6,
     ["资金支出计划中6月底的值“三成”不是数字"]),
    ("percent-blank", project(percents=("15%", "30%", "", "100%")), 1, "header", 6,
     ["资金支出计划中10月底的累计支出百分比为空"]),
    ("checkpoint-unknown", project(checkpoints=("一季度", "6月底", "10月底", "12月底")),
     1, "header", 5, ["资金支出计划的时间节点“一季度”无法识别，应为“3月底”这样的月份"]),
    ("checkpoints-inconsistent", other_checkpoints(), 2, "header", 5,
     [f"资金支出计划的时间节点为 6月底、12月底，与{P1}的 3月底、6月底、10月底、12月底 不一致"]),
    ("code-blank", project(code=""), 1, "header", 2, ["项目编码为空"]),
    ("code-duplicate", duplicate_codes(), 2, "header", 2,
     [f"项目编码 13020724P00X4BL10005W 与{P1}重复"]),
    ("fiscal-plus-other", project(total="30.00", fiscal="28.00", other="1.00"), 1, "header", 3,
     ["财政资金 28.00 万元 + 其他资金 1.00 万元 = 29.00 万元，与预算数 30.00 万元不一致"]),
    # 万元 to the 分 is six places: a seventh is a fraction of a 分.
    ("total-seven-places", project(total="28.0000001", fiscal="28.0000001"), 1, "header", 3,
     ["预算数 28.0000001 超过 6 位小数（以万元计应精确到分）",
      "财政资金 28.0000001 超过 6 位小数（以万元计应精确到分）"]),
    ("total-too-large", project(total="1000000000", fiscal="1000000000"), 1, "header", 3,
     ["预算数 1000000000 过大（整数部分最多 9 位）", "财政资金 1000000000 过大（整数部分最多 9 位）"]),
    ("total-negative", project(total="-28.00", fiscal="-28.00"), 1, "header", 3,
     ["预算数 -28.00 不能为负数", "财政资金 -28.00 不能为负数"]),
    ("total-text", project(total="二十八"), 1, "header", 3, ["预算数“二十八”不是有效的金额"]),
    ("fiscal-blank", project(fiscal=""), 1, "header", 3, ["财政资金为空"]),
    ("value-blank", project(indicators=rows_with(2, ("产出指标", "成本", "控制数", "", "", ""))),
     1, "indicators", 4, ["三级指标“控制数”的指标值为空"]),
    ("name-blank", project(indicators=rows_with(3, ("效益指标", "社会效益", "", "", "≥98%", ""))),
     1, "indicators", 5, ["三级指标为空"]),
    ("first-level1-blank", project(indicators=rows_with(0, ("", "数量指标", "比例", "", "1", ""))),
     1, "indicators", 2, ["一级指标为空，上方没有可沿用的一级指标"]),
    ("new-level1-blank-level2",
     project(indicators=rows_with(3, ("效益指标", "", "率", "", "1", ""))), 1, "indicators", 5,
     ["二级指标为空，一级指标“效益指标”与上一行不同，不能沿用上一行的二级指标"]),
    ("no-indicator-rows", project(indicators=[]), 1, "indicators", 1, ["绩效指标表没有指标行"]),
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("spec", "number", "part", "row", "messages"),
    [pytest.param(*case[1:], id=case[0]) for case in FAULTS],
)
def test_fault_is_a_problem_naming_table_and_row(kind, spec, number, part, row, messages):
    parsed = load_disclosure(*build.render(spec, kind))
    title = spec.projects[number - 1].title
    table = build.project_table(spec, number, part)
    location = f"绩效目标表{number}《{title}》，{build.where(spec, kind, table, row)}"
    assert parsed.problems == [Problem(location, message) for message in messages]


def test_truncated_sample_names_the_cut_row():
    # the file ends three cells into the 成本指标 row of the third project (line 1985)
    parsed = load_disclosure(sample_lines(cut=1987), "cut.txt")
    assert parsed.problems == [
        Problem(
            "绩效目标表3《就业见习基本生活费补贴》，第1985行",
            "该行只有 3 个单元格，绩效指标表每行应有 6 个"
            "（一级指标/二级指标/三级指标/绩效指标描述/指标值/指标值确定依据），表格可能被截断",
        )
    ]
    assert len(parsed.projects) == 3
    assert len(parsed.projects[2].indicators) == 3
    assert parsed.warnings == [
        Problem(
            "部门预算支出总表，第552行",
            "各项目预算数合计 64.61 万元，与部门预算支出总表中的项目支出 298.45 万元不一致",
        )
    ]


NO_INDICATORS = "未找到绩效指标表（表头为一级指标/二级指标/三级指标/绩效指标描述/指标值/指标值确定依据）"


@pytest.mark.parametrize(
    ("cut", "problems"),
    [
        pytest.param(1734, [("第1717行", "未找到资金支出计划（%）")], id="after-purpose"),
        pytest.param(
            1740,
            [("第1736行", "资金支出计划缺少各时间节点的累计支出百分比")],
            id="after-checkpoints",
        ),
    ],
)
def test_sample_cut_inside_header_table(cut, problems):
    parsed = load_disclosure(sample_lines(cut=cut), "cut.txt")
    table = "绩效目标表1《“互联网+政务服务”行政审批网络维护费》"
    assert parsed.problems == [
        *(Problem(f"{table}，{where}", message) for where, message in problems),
        Problem(f"{table}，第1717行", NO_INDICATORS),
    ]


def test_missing_code_label():
    text = build.to_text(build.Spec()).replace("\t项目编码\n", "\t编号\n")
    parsed = load_disclosure(text.encode(), "a.txt")
    line = build.line_of(text, "1、网络维护费绩效目标表")
    assert parsed.problems == [Problem(f"{P1}，第{line}行", "未找到项目编码")]


def test_text_without_project_tables():
    text = build.to_text(build.Spec()).split("七、")[0]
    parsed = load_disclosure(text.encode(), "a.txt")
    assert parsed.problems == [Problem("文件", "未找到项目绩效目标表（如“1、…绩效目标表”）")]
    assert parsed.projects == []
    assert parsed.department_code == "306" and parsed.year == 2024
    assert len(parsed.units) == 2


def test_plain_text_is_not_a_disclosure():
    parsed = load_disclosure("这是一封信。\n没有表格。\n".encode(), "letter.txt")
    assert parsed.problems == [
        Problem("文件", "未找到部门表头（部门编码和名称，如“306唐山市丰南区行政审批局”）"),
        Problem("文件", "未找到预算年度（如“预算年度：2024”）"),
        Problem("文件", "未找到项目绩效目标表（如“1、…绩效目标表”）"),
    ]
    assert parsed.warnings == [
        Problem("文件", "未找到部门机构设置表（表头为单位名称/单位性质/单位规格/经费保障形式）"),
        Problem("文件", "未找到部门预算支出总表，无法核对各项目预算数合计与项目支出"),
    ]


def test_year_differs_between_header_rows():
    text = build.to_text(build.Spec()) + "\t306唐山市丰南区行政审批局\n\t预算年度：2023\n"
    parsed = load_disclosure(text.encode(), "a.txt")
    line = build.line_of(text, "\t预算年度：2023") - 1
    assert parsed.problems == [Problem(f"第{line}行", "表头的预算年度 2023 与第一张表的 2024 不一致")]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "文件为空"),
        (b"\x00\x01binary", "a.txt", "文件不是文本文件，也不是 Word（.docx）文件，无法读取"),
        ("文本".encode(), "a.docx", "不是有效的 Word（.docx）文件，请用 Word 或 WPS 另存为 .docx"
         " 后重新上传，或上传导出的文本文件（.txt）"),
    ],
    ids=["empty", "binary", "docx-not-zip"],
)  # fmt: skip
def test_unreadable_file_becomes_a_problem(data, name, message):
    parsed = load_disclosure(data, name)
    assert parsed.problems == [Problem("文件", message)]
    assert (parsed.department_code, parsed.year, parsed.projects, parsed.units) == ("", 0, [], [])
    assert str(parsed.problems[0]) == f"文件：{message}"


# -- warnings: reported, never fatal ---------------------------------------------------------


def test_sample_sum_mismatch_is_a_warning():
    parsed = load_disclosure(sample_lines(replace={557: "\t298.40"}), "a.txt")
    assert parsed.problems == []
    assert parsed.stated_project == Decimal("298.40")
    assert parsed.warnings == [
        Problem(
            "部门预算支出总表，第552行",
            "各项目预算数合计 298.45 万元，与部门预算支出总表中的项目支出 298.40 万元不一致",
        ),
        Problem(
            "部门预算支出总表，第552行",
            "部门预算支出总表中合计 1439.91 万元，与基本支出 1141.46 万元 + 项目支出 298.40 万元 = 1439.86 万元不一致",
        ),
        Problem(
            "部门预算支出总表，第552行",
            "“合计”行的项目支出 298.40 万元，与各类科目（201、208、210、221）合计 298.45 万元不一致",
        ),
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("stated", "messages"),
    [
        pytest.param(
            ("1171.46", "1141.46", "30.00"),
            ["各项目预算数合计 28.00 万元，与部门预算支出总表中的项目支出 30.00 万元不一致"],
            id="projects-sum",
        ),
        pytest.param(
            ("1200.00", "1141.46", "28.00"),
            ["部门预算支出总表中合计 1200.00 万元，与基本支出 1141.46 万元 + 项目支出 28.00 万元 = 1169.46 万元不一致"],
            id="total-parts",
            # and the 201 row states the same figures (budget_checks: 合计 = its parts)
        ),
        pytest.param(
            ("1169.46", "1141.46", "约28"),
            ["未找到部门预算支出总表中的项目支出，无法核对各项目预算数合计", "“项目支出”的“约28”不是金额，按空白处理"],
            id="project-unreadable",
        ),
    ],
)
def test_total_mismatches_are_warnings(kind, stated, messages):
    spec = build.Spec(stated=stated)
    parsed = load_disclosure(*build.render(spec, kind))
    assert parsed.problems == []
    location = f"部门预算支出总表，{build.where(spec, kind, 2, 4)}"
    # the 合计 row (row 4) as disclosure.py checks it; the 201 row (row 5) states the same figures
    assert parsed.warnings[: len(messages)] == [Problem(location, message) for message in messages]
    row = f"部门预算支出总表，{build.where(spec, kind, 2, 5)}"
    assert {w.location for w in parsed.warnings[len(messages) :]} <= {row}


def test_missing_summary_table_is_a_warning():
    parsed = load_disclosure(*build.render(build.Spec(stated=None), "txt"))
    assert parsed.problems == []
    assert parsed.stated_project is None
    assert parsed.warnings == [Problem("文件", "未找到部门预算支出总表，无法核对各项目预算数合计与项目支出")]


def test_parse_disclosure_takes_blocks():
    blocks = read_document(*build.render(build.Spec(), "docx"))
    parsed = parse_disclosure(blocks)
    assert parsed.problems == [] and parsed.warnings == []
    assert [p.code for p in parsed.projects] == ["13020724P00X4BL10005W"]
    assert parsed.projects[0].total == Decimal("28.00")


@given(steps=st.lists(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False), min_size=1, max_size=5))
@settings(max_examples=40, deadline=None)
def test_any_valid_plan_reads_back_exactly(steps):
    cumulative = [*sorted(min(step, Decimal(100)) for step in steps)[:-1], Decimal(100)]
    months = [12 - 2 * i for i in range(len(cumulative))][::-1]
    checkpoints = tuple(f"{month}月底" for month in months)
    percents = tuple(f"{pct}%" for pct in cumulative)
    spec = build.Spec(projects=[build.Project(checkpoints=checkpoints, percents=percents)])
    parsed = load_disclosure(build.to_text(spec).encode(), "a.txt")
    assert parsed.problems == []
    assert [(d.month, label, pct) for d, label, pct in parsed.projects[0].plan] == list(
        zip(months, checkpoints, cumulative, strict=True)
    )
