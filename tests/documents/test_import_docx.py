"""Importing a Word document through the CLI: same result as the text export, both schemes."""

import json

import sqlalchemy as sa

from perf.org.models import BudgetYear
from perf.projects.models import Project
from perf.review.rules import review, table_input
from tests.documents.docx_builder import Project as SpecProject
from tests.documents.docx_builder import Spec, to_docx, to_text

SCHEME_2021 = [
    ("产出指标", "数量指标", "见习岗人员数量", "安置人数", "7人", "协议书"),
    ("产出指标", "时效指标", "发放及时率", "及时程度", "100%", "发放情况"),
    ("成本指标", "经济成本指标", "人均发放水平", "人均发放水平", "2200元/月", "工资表"),
    ("效益指标", "社会效益指标", "安排就业人数", "促进就业", "7人", "协议书"),
    ("满意度指标", "服务对象满意度指标", "见习生满意度", "满意度", "≥95%", "调查问卷"),
]


def spec() -> Spec:
    return Spec(
        stated=("1169.46", "1135.75", "33.71"),
        projects=[
            SpecProject(),
            SpecProject(
                title="就业见习补贴",
                code="13020724P00F48410007F",
                total="5.71",
                fiscal="3.71",
                other="2.00",
                percents=("25%", "50%", "75%", "100%"),
                indicators=SCHEME_2021,
            ),
        ],
    )


def _import(runner, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["perf", "import-disclosure", str(path)])


def _export(runner, code):
    result = runner.invoke(args=["perf", "export-project", code, "--year", "2024"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_docx_imports_like_its_text_export(runner, session, tmp_path):
    result = _import(runner, tmp_path, "budget.docx", to_docx(spec()))
    assert result.exit_code == 0, result.stderr
    assert "项目：2 个（新增 2，覆盖 0，未变 0）" in result.output
    assert "项目预算合计：33.71 万元（支出总表项目支出：33.71 万元）" in result.output
    from_docx = [_export(runner, code) for code in ("13020724P00X4BL10005W", "13020724P00F48410007F")]

    again = _import(runner, tmp_path, "budget.txt", to_text(spec()).encode("utf-8"))
    assert again.exit_code == 0, again.stderr
    assert "未变 2" in again.output  # the same tables, whichever file they came from
    assert [_export(runner, c["code"]) for c in from_docx] == from_docx


def test_the_2021_scheme_keeps_cost_as_level1_and_scores_it_lower_is_better(runner, session, tmp_path):
    assert _import(runner, tmp_path, "budget.docx", to_docx(spec())).exit_code == 0
    table = _export(runner, "13020724P00F48410007F")
    assert table["budget"] == {
        "total": "5.71",
        "fiscal": "3.71",
        "other": "2.00",
        "total_yuan": "57100.00",
        "fiscal_yuan": "37100.00",
        "other_yuan": "20000.00",
    }
    cost = table["indicators"][2]
    assert (cost["level1"], cost["level2"], cost["target"], cost["unit"], cost["direction"]) == (
        "成本指标",
        "经济成本指标",
        "2200",
        "元/月",
        "lower_better",
    )


def test_a_sum_mismatch_is_a_warning_and_still_imports(runner, session, tmp_path):
    mismatched = spec()
    mismatched.stated = ("1169.46", "1135.70", "33.76")
    result = _import(runner, tmp_path, "budget.docx", to_docx(mismatched))
    assert result.exit_code == 0, result.stderr
    assert "警告：1 条" in result.output  # 1135.70 + 33.76 = 1169.46 still adds up
    assert "各项目预算数合计 33.71 万元，与部门预算支出总表中的项目支出 33.76 万元不一致" in result.output
    assert session.scalar(sa.select(sa.func.count(Project.id))) == 2


def test_a_broken_docx_writes_nothing(runner, session, tmp_path):
    broken = spec()
    broken.projects[1].percents = ("25%", "50%", "45%", "100%")
    result = _import(runner, tmp_path, "budget.docx", to_docx(broken))
    assert result.exit_code == 1
    assert "绩效目标表2《就业见习补贴》" in result.stderr
    assert "10月底的计划支出进度 45% 低于上一节点的 50%，累计进度不能下降" in result.stderr
    assert "个表格第" in result.stderr  # a .docx location names the table and row
    assert session.scalar(sa.select(sa.func.count(Project.id))) == 0


# -- Word documents as offices make them --------------------------------------------------------

CODES = ("13020724P00X4BL10005W", "13020724P00F48410007F")


def real_world(indicators=None) -> Spec:
    """Header lines as paragraphs, amounts in 元, the first project's indicator table split inside its
    rows and the second's header table between its plan row and the percents."""
    rows = {"indicators": indicators} if indicators else {}
    first = SpecProject(unit="元", total="280,000.00", fiscal="280,000.00", split=("indicators", 3), **rows)
    second = spec().projects[1]
    second = SpecProject(
        **{**second.__dict__, "total": "57,100.00", "fiscal": "37,100.00", "other": "20,000.00"},
    )
    second.unit, second.unit_as, second.split, second.split_mark = "元", "paragraph", ("header", 4), "续表"
    if indicators:
        second.indicators = list(indicators)
    return Spec(header="paragraphs", stated=("1169.46", "1135.75", "33.71"), projects=[first, second])


def test_a_real_world_docx_imports_like_the_sample_layout(runner, session, tmp_path):
    result = _import(runner, tmp_path, "real.docx", to_docx(real_world()))
    assert result.exit_code == 0, result.stderr
    assert "部门：306 唐山市丰南区行政审批局" in result.output
    assert "项目预算合计：33.71 万元（支出总表项目支出：33.71 万元）" in result.output
    assert "警告：0 条" in result.output
    exported = [_export(runner, code) for code in CODES]
    assert exported[1]["budget"] == {
        "total": "5.71",
        "fiscal": "3.71",
        "other": "2.00",
        "total_yuan": "57100.00",
        "fiscal_yuan": "37100.00",
        "other_yuan": "20000.00",
    }

    again = _import(runner, tmp_path, "budget.docx", to_docx(spec()))  # the sample's layout, in 万元
    assert again.exit_code == 0, again.stderr
    assert "未变 2" in again.output
    assert [_export(runner, code) for code in CODES] == exported


def test_a_2021_scheme_document_gives_a_new_year_its_scheme(runner, session, tmp_path):
    result = _import(runner, tmp_path, "real.docx", to_docx(real_world(SCHEME_2021)))
    assert result.exit_code == 0, result.stderr
    year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == 2024))
    assert year.scheme == "2021"
    project = session.scalar(sa.select(Project).where(Project.code == CODES[0]))
    rules = {finding.rule for finding in review(table_input(project))}
    assert not rules & {"unknown-level1", "level2-mismatch"}


def test_a_2021_document_into_a_2020_year_is_a_warning(runner, session, tmp_path):
    other = Spec(projects=[SpecProject(code="13020724P00X4BL1OTHER")])
    assert _import(runner, tmp_path, "budget.docx", to_docx(other)).exit_code == 0  # creates 2024, 2020 scheme
    result = _import(runner, tmp_path, "real.docx", to_docx(real_world(SCHEME_2021)))
    assert result.exit_code == 0, result.stderr
    assert (
        "2024 年度按2020版（成本指标为产出指标下的二级指标）设定，"
        "文件中的绩效目标表按2021版（成本指标为一级指标）编制；"
        "目标审核和自评仍按2020版（成本指标为产出指标下的二级指标）进行"
    ) in result.output
