"""Importing the published document through the CLI: contents, idempotence, all-or-nothing."""

import json
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.documents.cli import SAMPLE
from perf.extensions import db
from perf.org.models import BudgetYear, Department, DepartmentBudget, Unit
from perf.projects.models import Indicator, PlanEntry, Project

SAMPLE_TEXT = __import__("importlib.resources").resources.files("perf.documents").joinpath(SAMPLE).read_text("utf-8")
CODES = [
    "13020724P00X4BL10005W",
    "13020724P00EL6T100050",
    "13020724P00F48410007F",
    "13020724P00F484100083",
    "13020724P00J22H100076",
    "13020724P00000410001A",
    "13020724P00P8L210007E",
]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    out = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        out[table.name] = sorted(tuple(map(str, r)) for r in rows)
    return out


def test_demo_loads_the_department_year_units_and_projects(demo, session):
    assert "项目：7 个（新增 7，覆盖 0，未变 0）" in demo.output
    assert "项目预算合计：298.45 万元（支出总表项目支出：298.45 万元）" in demo.output
    department = session.scalar(sa.select(Department))
    assert (department.code, department.name) == ("306", "唐山市丰南区行政审批局")
    year = session.scalar(sa.select(BudgetYear))
    assert year.year == 2024
    assert [(c.on_date, c.label, c.is_final) for c in year.checkpoints] == [
        (date(2024, 3, 31), "3月底", False),
        (date(2024, 6, 30), "6月底", False),
        (date(2024, 10, 31), "10月底", False),
        (date(2024, 12, 31), "12月底", True),
    ]
    units = session.scalars(sa.select(Unit).order_by(Unit.id)).all()
    assert [(u.name, u.nature, u.rank, u.funding) for u in units] == [
        ("唐山市丰南区行政审批局本级", "行政", "正科级", "财政拨款"),
        ("唐山市丰南区公交资源交易中心", "事业", "副科级", "其他"),
    ]
    projects = session.scalars(sa.select(Project).order_by(Project.id)).all()
    assert [p.code for p in projects] == CODES
    assert sum(p.total for p in projects) == Decimal("298.45")
    assert {p.status for p in projects} == {"approved"}
    assert session.scalar(sa.select(sa.func.count(Indicator.id))) == 56
    stated = session.scalar(sa.select(DepartmentBudget))
    assert (stated.total, stated.basic, stated.project) == (
        Decimal("1439.91"),
        Decimal("1141.46"),
        Decimal("298.45"),
    )


def test_importing_the_same_document_twice_changes_nothing(runner, demo, session):
    before = snapshot()
    again = runner.invoke(args=["perf", "demo"])
    assert again.exit_code == 0, again.output
    assert "项目：7 个（新增 0，覆盖 0，未变 7）" in again.output
    session.expire_all()
    assert snapshot() == before


def test_import_is_audited(demo, session):
    actions = session.scalars(sa.select(AuditEntry.action)).all()
    assert (
        sorted(actions) == ["budget.tables.import", "disclosure.import"] + ["project.import"] * 7 + ["user.create"] * 5
    )


def test_export_project_json(runner, demo):
    result = runner.invoke(args=["perf", "export-project", CODES[0], "--format", "json"])
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    assert table["code"] == CODES[0]
    assert table["name"] == "“互联网+政务服务”行政审批网络维护费"
    assert (table["year"], table["department"]) == (2024, "唐山市丰南区行政审批局")
    assert table["unit"] == "唐山市丰南区行政审批局本级"
    assert table["budget"] == {
        "total": "28.00",
        "fiscal": "28.00",
        "other": "0.00",
        "total_yuan": "280000.00",
        "fiscal_yuan": "280000.00",
        "other_yuan": "0.00",
    }
    # No self-evaluation weights are saved yet: every indicator says so.
    assert {i["weight"] for i in table["indicators"]} == {None}
    assert table["spend_plan"] == [
        {"checkpoint": "2024-03-31", "cumulative_pct": "15.00"},
        {"checkpoint": "2024-06-30", "cumulative_pct": "30.00"},
        {"checkpoint": "2024-10-31", "cumulative_pct": "85.00"},
        {"checkpoint": "2024-12-31", "cumulative_pct": "100.00"},
    ]
    assert table["goal"].startswith("1.整合政务资源")
    assert table["purpose"].startswith("2024年共需支付28万元")
    parsed = [
        (
            i["level1"],
            i["level2"],
            i["name"],
            i["value"],
            i["comparator"],
            i["target"],
            i["unit"],
            i["kind"],
            i["direction"],
        )
        for i in table["indicators"]
    ]
    assert parsed == [
        (
            "产出指标",
            "数量指标",
            "提供材料比例",
            "≥40%",
            "≥",
            "40",
            "%",
            "quantitative",
            "higher_better",
        ),
        (
            "产出指标",
            "质量指标",
            "办理结果电子化率",
            "≥90%",
            "≥",
            "90",
            "%",
            "quantitative",
            "higher_better",
        ),
        (
            "产出指标",
            "时效指标",
            "网上审批及时率",
            "≥95%",
            "≥",
            "95",
            "%",
            "quantitative",
            "higher_better",
        ),
        (
            "产出指标",
            "成本指标",
            "项目预算控制数",
            "≤28万元",
            "≤",
            "28",
            "万元",
            "quantitative",
            "lower_better",
        ),
        (
            "效益指标",
            "经济效益指标",
            "平台使用率",
            "≥95%",
            "≥",
            "95",
            "%",
            "quantitative",
            "higher_better",
        ),
        (
            "效益指标",
            "生态效益指标",
            "网上审批率",
            "≥98%",
            "≥",
            "98",
            "%",
            "quantitative",
            "higher_better",
        ),
        (
            "效益指标",
            "可持续影响指标",
            "长期使用性",
            "长期使用",
            None,
            None,
            None,
            "qualitative",
            None,
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "服务对象满意度",
            "≥98%",
            "≥",
            "98",
            "%",
            "quantitative",
            "higher_better",
        ),
    ]
    assert table["indicators"][0]["description"] == "企业和群众办事提供的材料减少的比例"
    assert table["indicators"][0]["basis"] == "网上审批事项工作台账"


def test_export_applies_the_cost_direction_to_values_without_comparator(runner, demo):
    result = runner.invoke(args=["perf", "export-project", "13020724P00F48410007F", "--year", "2024"])
    rows = {i["name"]: i for i in json.loads(result.output)["indicators"]}
    assert (rows["人均发放水平"]["level2"], rows["人均发放水平"]["direction"]) == (
        "成本指标",
        "lower_better",
    )
    assert (rows["见习岗人员数量"]["target"], rows["见习岗人员数量"]["unit"]) == ("7", "人")
    assert rows["见习岗人员数量"]["direction"] == "higher_better"


def test_export_unknown_project_fails_clearly(runner, demo):
    result = runner.invoke(args=["perf", "export-project", "NOPE", "--year", "2024"])
    assert result.exit_code != 0
    assert "2024 年度中没有项目编码为 NOPE 的项目" in (result.stderr or result.output)


def _write(tmp_path, text, name="bad.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_bad_plan_writes_nothing_and_names_table_and_line(runner, session, tmp_path):
    text = SAMPLE_TEXT.replace("\t15%\n\t30%\n\t85%\n", "\t15%\n\t120%\n\t85%\n", 1)
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, text)])
    assert result.exit_code == 1
    err = result.stderr
    assert "绩效目标表1《“互联网+政务服务”行政审批网络维护费》" in err
    assert "6月底的计划支出进度 120% 超出 0–100% 的范围" in err
    assert "第1742行" in err  # the plan row of table 1 in the sample
    assert _count(Project) == 0
    assert _count(Department) == 0
    assert _count(AuditEntry) == 0


def test_an_overlong_project_name_is_named_as_the_project_name(runner, session, tmp_path):
    name = "“互联网+政务服务”行政审批网络维护费"
    text = SAMPLE_TEXT.replace(name, "很长的项目名称" * 30)
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert "项目名称：项目名称最多 200 个字符" in result.stderr and "三级指标" not in result.stderr
    assert _count(Project) == 0


def test_a_changed_project_is_refused_without_replace_and_nothing_is_written(runner, demo, session, tmp_path):
    before = snapshot()
    text = SAMPLE_TEXT.replace("\t≥40%\n", "\t≥45%\n", 1)
    path = _write(tmp_path, text)
    refused = runner.invoke(args=["perf", "import-disclosure", path])
    assert refused.exit_code == 1
    assert "项目 13020724P00X4BL10005W 已存在且内容与文件不同" in refused.stderr
    session.expire_all()
    assert snapshot() == before

    replaced = runner.invoke(args=["perf", "import-disclosure", path, "--replace"])
    assert replaced.exit_code == 0, replaced.stderr
    assert "覆盖 1，未变 6" in replaced.output
    session.expire_all()
    first = session.scalar(sa.select(Indicator).where(Indicator.name == "提供材料比例"))
    assert (first.value_text, first.target) == ("≥45%", Decimal("45"))
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "project.replace"))


def test_a_year_with_other_checkpoints_refuses_the_document(runner, session, app, tmp_path):
    from perf.org.services import ensure_year

    ensure_year(2024, [date(2024, 6, 30), date(2024, 12, 31)])
    session.commit()
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, SAMPLE_TEXT)])
    assert result.exit_code == 1
    expected = "2024 年度已设定的支出计划节点为 6月底、12月底，与文件中的 3月底、6月底、10月底、12月底 不一致"
    assert expected in result.stderr
    assert _count(Project) == 0


def test_an_empty_file_is_refused(runner, session, tmp_path):
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, "")])
    assert result.exit_code == 1
    assert "文件为空" in result.stderr


def test_a_docx_that_is_not_a_zip_is_refused(runner, session, tmp_path):
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, "hello", "x.docx")])
    assert result.exit_code == 1
    assert "docx" in result.stderr
    assert _count(Project) == 0


def test_plan_entries_are_stored_in_checkpoint_order(demo, session):
    project = session.scalar(sa.select(Project).where(Project.code == CODES[-1]))
    entries = session.scalars(
        sa.select(PlanEntry).where(PlanEntry.project_id == project.id).order_by(PlanEntry.seq)
    ).all()
    assert [(e.seq, e.cumulative_pct, e.prev_pct, e.is_final) for e in entries] == [
        (1, Decimal("30.00"), Decimal("0.00"), False),
        (2, Decimal("60.00"), Decimal("30.00"), False),
        (3, Decimal("90.00"), Decimal("60.00"), False),
        (4, Decimal("100.00"), Decimal("90.00"), True),
    ]
