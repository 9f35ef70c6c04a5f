"""Word documents as offices make them: header lines as paragraphs, tables split across pages,
the 2021 scheme, amounts in 元. Each layout parses to the same Disclosure as the sample's layout,
as .docx and as its text export."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from perf.documents.disclosure import Disclosure, Problem, load_disclosure
from perf.documents.reader import TableBreak, read_document
from tests.documents import docx_builder as build

SAMPLE = Path(__file__).parents[2] / "perf/documents/sample/fengnan_approval_bureau_2024.txt"
KINDS = ["docx", "txt"]
STATED = ("1169.46", "1101.46", "68.00")
P2 = dict(title="业务经费", code="P2", percents=("25%", "50%", "75%", "100%"))


def plain(spec: build.Spec) -> build.Spec:
    """The same document in the sample's layout (header cells, 万元, no split)."""
    return build.Spec(
        stated=spec.stated,
        projects=[build.Project(), build.Project(total="40.00", fiscal="30.00", other="10.00", **P2)],
    )


def without_locations(value):
    """A parsed document with every location left out, for comparing layouts."""
    if dataclasses.is_dataclass(value):
        return {
            f.name: without_locations(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("location", "where")
        }
    if isinstance(value, list):
        return [without_locations(v) for v in value]
    return value


def parsed(spec: build.Spec, kind: str) -> Disclosure:
    return load_disclosure(*build.render(spec, kind))


def real_world(**changes) -> build.Spec:
    """Paragraph headers, the first indicator table split inside its rows, the second project's
    header table split between the plan row and its percents (after a 续表 line)."""
    first = build.Project(split=("indicators", 3))
    second = build.Project(total="40.00", fiscal="30.00", other="10.00", split=("header", 5), split_mark="续表", **P2)
    spec = build.Spec(header="paragraphs", stated=STATED, projects=[first, second])
    return dataclasses.replace(spec, **changes)


@pytest.mark.parametrize("kind", KINDS)
def test_paragraph_headers_and_split_tables_parse_like_the_sample_layout(kind):
    spec = real_world()
    got = parsed(spec, kind)
    assert got.problems == [] and got.warnings == []
    assert (got.department_code, got.department_name, got.year) == ("306", "唐山市丰南区行政审批局", 2024)
    assert without_locations(got) == without_locations(parsed(plain(spec), kind))
    second = got.projects[1]
    assert [pct for _, _, pct in second.plan] == [25, 50, 75, 100]
    assert len(got.projects[0].indicators) == len(build.INDICATORS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_split_table_is_one_table_and_its_rows_keep_their_own_place(kind):
    spec = real_world()
    got = parsed(spec, kind)
    continued = build.project_table(spec, 1, "indicators", piece=2)
    # grid row 3 (the 成本指标 row) is the second row of the continuation: after the repeated header
    where = build.where(spec, kind, continued, 2)
    assert got.projects[0].indicators[2].location == f"绩效目标表1《网络维护费》，{where}"
    assert got.projects[0].indicators[2].level1 == "产出指标"  # filled down across the page break


@pytest.mark.parametrize("kind", KINDS)
def test_a_split_inside_the_plan_rows_is_refused_without_the_join(kind, monkeypatch):
    # what the join repairs: the repeated header row would stand between 资金支出计划 and its percents
    monkeypatch.setattr("perf.documents.reader.join_continued", lambda blocks: blocks)
    got = parsed(real_world(), kind)
    assert [p.message for p in got.problems] == ["资金支出计划缺少各时间节点的累计支出百分比"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_year_of_paragraph_headers_is_checked_like_cells(kind):
    spec = real_world(year="2025")
    got = parsed(spec, kind)
    assert got.year == 2025
    assert got.problems == []
    assert [d.year for d, _, _ in got.projects[0].plan] == [2025] * 4


# -- the 2021 scheme ----------------------------------------------------------------------------

SCHEME_2021 = [
    ("产出指标", "数量指标", "见习岗人员数量", "安置人数", "7人", "协议书"),
    ("产出指标", "质量指标", "见习合格率", "合格率", "≥90%", "考核"),
    ("产出指标", "时效指标", "发放及时率", "及时程度", "100%", "发放情况"),
    ("成本指标", "经济成本指标", "人均发放水平", "人均发放水平", "≤2200元/月", "工资表"),
    ("成本指标", "社会成本指标", "社会成本", "无", "0", "评估"),
    ("成本指标", "生态环境成本指标", "生态环境成本", "无", "0", "评估"),
    ("效益指标", "社会效益指标", "安排就业人数", "促进就业", "7人", "协议书"),
    ("满意度指标", "服务对象满意度指标", "见习生满意度", "满意度", "≥95%", "调查问卷"),
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_2021_scheme_document_in_the_real_world_layout(kind):
    spec = real_world()
    for project in spec.projects:
        project.indicators = list(SCHEME_2021)
    got = parsed(spec, kind)
    assert got.problems == []
    assert got.scheme == "2021"
    rows = [(i.level1, i.level2, i.name) for i in got.projects[0].indicators]
    assert rows == [r[:3] for r in SCHEME_2021]
    assert parsed(plain(spec), kind).scheme == "2020"  # the sample's indicators: 成本指标 under 产出指标


def test_the_sample_is_2020_scheme_and_keeps_its_seven_projects_and_56_values():
    sample = load_disclosure(SAMPLE.read_bytes(), SAMPLE.name)
    assert sample.problems == [] and sample.warnings == []
    assert sample.scheme == "2020"
    assert len(sample.projects) == 7
    assert sum(len(p.indicators) for p in sample.projects) == 56
    # its one split table repeats no header: it stays two tables, as before
    blocks = read_document(SAMPLE.read_bytes(), SAMPLE.name)
    assert TableBreak("第1765行") in blocks


# -- amounts in 元 ------------------------------------------------------------------------------


def in_yuan(unit_as: str = "cell", **first) -> build.Spec:
    amounts = dict(total="280,000.00", fiscal="280,000.00", other="")
    projects = [
        build.Project(unit="元", unit_as=unit_as, **{**amounts, **first}),
        build.Project(total="400000.00", fiscal="300,000.00", other="100,000.00", unit="元", unit_as=unit_as, **P2),
    ]
    return build.Spec(stated=STATED, projects=projects)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("unit_as", ["cell", "paragraph"])
def test_a_yuan_document_is_read_in_wan(kind, unit_as):
    got = parsed(in_yuan(unit_as), kind)
    assert got.problems == [] and got.warnings == []
    assert [(p.total, p.fiscal, p.other) for p in got.projects] == [
        (Decimal("28.00"), Decimal("28.00"), Decimal("0")),
        (Decimal("40.00"), Decimal("30.00"), Decimal("10.00")),
    ]
    assert without_locations(got) == without_locations(parsed(plain(in_yuan()), kind))


@pytest.mark.parametrize("kind", KINDS)
def test_yuan_amounts_that_fit_two_wan_places(kind):
    spec = build.Spec(
        stated=("1439.91", "1141.46", "298.45"),
        projects=[build.Project(total="2,984,500.00", fiscal="2,984,500.00", unit="元")],
    )
    got = parsed(spec, kind)
    assert got.problems == [] and got.warnings == []
    assert got.projects[0].total == Decimal("298.45")


@pytest.mark.parametrize("kind", KINDS)
def test_a_yuan_amount_not_exact_to_the_fen_is_a_problem(kind):
    spec = in_yuan(total="280,000.001")
    table = build.project_table(spec, 1, "header")
    where = build.where(spec, kind, table, 3)
    problems = parsed(spec, kind).problems
    assert (
        Problem(f"绩效目标表1《网络维护费》，{where}", "预算数 280,000.001 元超过两位小数（金额应精确到分）")
        in problems
    )


def test_two_units_for_one_table_are_a_problem():
    spec = in_yuan()  # its header table says 金额单位：元 …
    text = build.to_text(spec).replace("1、网络维护费绩效目标表\n", "1、网络维护费绩效目标表\n单位：万元\n")
    line = build.line_of(text, "单位：万元", start=build.line_of(text, "1、网络维护费绩效目标表"))
    got = load_disclosure(text.encode(), "a.txt")
    cell = build.line_of(text, "\t金额单位：元")
    assert got.problems == [
        Problem(f"绩效目标表1《网络维护费》，第{line}行", f"金额单位前后不一致：万元、元（第{line}行、第{cell}行）")
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_a_yuan_amount_needing_three_wan_places_imports_exactly(kind):
    # 3,309,840.00 元 = 330.984 万元 (the example)
    spec = build.Spec(
        stated=("1439.91", "1108.926", "330.984"),
        projects=[build.Project(total="3,309,840.00", fiscal="3,309,840.00", unit="元")],
    )
    got = parsed(spec, kind)
    assert got.problems == []
    assert got.projects[0].total == Decimal("330.984")


@pytest.mark.parametrize("header", ["cells", "paragraphs"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_summary_in_yuan_is_compared_with_the_projects_in_wan(kind, header):
    # The 支出总表 in 元 (280,000.00 元 项目支出) and the project's table in 万元 (28.00): the same money.
    spec = build.Spec(summary_unit="元", stated=("11,694,600.00", "11,414,600.00", "280,000.00"), header=header)
    got = parsed(spec, kind)
    assert got.problems == []
    assert (got.stated_total, got.stated_basic, got.stated_project) == (
        Decimal("1169.46"),
        Decimal("1141.46"),
        Decimal("28"),
    )
    assert not [w for w in got.warnings if "项目支出" in w.message], got.warnings
    # and a real difference, 280,000.01 元 against 28.00 万元, is still found, in 万元
    off = parsed(dataclasses.replace(spec, stated=("11,694,600.01", "11,414,600.00", "280,000.01")), kind)
    assert [w.message for w in off.warnings if "各项目预算数合计" in w.message] == [
        "各项目预算数合计 28.00 万元，与部门预算支出总表中的项目支出 28.000001 万元不一致"
    ]
