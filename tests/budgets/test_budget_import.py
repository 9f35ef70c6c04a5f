"""The budget tables through the import: stored in 万元 to six places, replaced whole and audited, shown on
the department page with the findings; the CLI summary names the tables and what each check found."""

import io
from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.budgets.models import BudgetAmount, BudgetRow, BudgetSet, BudgetTable
from perf.budgets.services import replace_budget_tables
from perf.documents.cli import SAMPLE
from perf.documents.disclosure import load_disclosure
from perf.extensions import db
from perf.org.models import BudgetYear, Department
from tests.documents import budget_docs as bd


def _budget_audits() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("budget.%"))))


def _write(tmp_path, budget: bd.Budget, name: str = "budget.txt") -> str:
    path = tmp_path / name
    path.write_text(bd.render_text(bd.document_elements(budget))[0], encoding="utf-8")
    return str(path)


def test_demo_stores_the_sample_tables_and_says_what_each_check_found(demo, session):
    assert "部门预算表：9 张（部门预算收支总表、部门预算收入总表、部门预算支出总表" in demo.output
    for line in (
        "核对 表内各列合计：81 处，全部一致",
        "核对 合计行与各类科目：22 处，全部一致",
        "核对 科目逐级汇总：183 处，全部一致",
        "核对 基本支出 = 人员经费 + 公用经费：31 处，全部一致",
        "核对 “三公”经费 = 各分项：12 处，全部一致",
        "核对 收支总表各栏合计与收支平衡：16 处，全部一致",
        "核对 各表间相同数字：8 处，全部一致",
        "核对 项目预算数合计 = 项目支出：1 处，全部一致",
    ):
        assert line in demo.output
    stored = session.scalar(sa.select(BudgetSet))
    assert [t.title for t in stored.tables][-1] == "部门预算财政拨款“三公”经费支出表"
    assert len(stored.tables) == 9
    basic = next(t for t in stored.tables if t.kind == "basic")
    total = next(r for r in basic.rows if r.name == "合计")
    assert [(c.path, a.amount) for c, a in zip(basic.columns, total.amounts, strict=True)] == [
        ("一般公共预算基本支出／合计", Decimal("1141.460000")),
        ("一般公共预算基本支出／人员经费", Decimal("918.900000")),
        ("一般公共预算基本支出／公用经费", Decimal("222.560000")),
    ]
    assert [(c.name, c.compared, c.failed) for c in stored.checks] == [
        ("表内各列合计", 81, 0),
        ("合计行与各类科目", 22, 0),
        ("科目逐级汇总", 183, 0),
        ("基本支出 = 人员经费 + 公用经费", 31, 0),
        ("“三公”经费 = 各分项", 12, 0),
        ("收支总表各栏合计与收支平衡", 16, 0),
        ("各表间相同数字", 8, 0),
        ("项目预算数合计 = 项目支出", 1, 0),
    ]
    assert len(_budget_audits()) == 1


def test_reimporting_the_same_document_writes_nothing(runner, session, tmp_path):
    path = _write(tmp_path, bd.Budget())
    first = runner.invoke(args=["perf", "import-disclosure", path])
    assert first.exit_code == 0, first.output
    ids = session.scalars(sa.select(BudgetAmount.row_id)).all()
    again = runner.invoke(args=["perf", "import-disclosure", path])
    assert again.exit_code == 0, again.output
    assert session.scalars(sa.select(BudgetAmount.row_id)).all() == ids
    assert [a.action for a in _budget_audits()] == ["budget.tables.import"]


def test_an_inconsistent_document_is_imported_with_its_warnings_and_replaces_the_tables(runner, session, tmp_path):
    assert runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, bd.Budget())]).exit_code == 0
    wrong = bd.Budget().edit("basic", "30101", 4, "59.00")
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, wrong, "wrong.txt")])
    assert result.exit_code == 0, result.output
    where = bd.line(bd.document_elements(wrong), "basic", "30101")
    message = "“30101 基本工资”行的合计 60.00 万元，与人员经费 59.00 万元 + 公用经费 0.00 万元 = 59.00 万元不一致"
    assert f"警告 部门预算一般公共预算财政拨款基本支出表，{where}：{message}" in result.output
    assert "核对 基本支出 = 人员经费 + 公用经费：7 处，1 处不一致" in result.output
    assert "核对 科目逐级汇总：54 处，1 处不一致" in result.output
    assert session.scalar(sa.select(sa.func.count(BudgetSet.id))) == 1
    stored = session.scalar(sa.select(BudgetSet))
    findings = [(c.name, f.message) for c in stored.checks for f in c.findings]
    assert ("基本支出 = 人员经费 + 公用经费", message) in findings
    row = session.scalar(
        sa.select(BudgetRow).join(BudgetTable).where(BudgetTable.kind == "basic", BudgetRow.code == "30101")
    )
    assert [a.amount for a in row.amounts] == [Decimal("60.000000"), Decimal("59.000000")]
    assert [a.action for a in _budget_audits()] == ["budget.tables.import", "budget.tables.replace"]
    assert "核对发现 2 处不一致" in _budget_audits()[-1].summary


def test_a_yuan_document_is_stored_in_wan_to_six_places(runner, session, tmp_path):
    budget = bd.Budget(unit="元").edit("three", "三、公务接待费", 2, "3.309840")
    result = runner.invoke(args=["perf", "import-disclosure", _write(tmp_path, budget)])
    assert result.exit_code == 0, result.output
    row = session.scalar(sa.select(BudgetRow).where(BudgetRow.name == "三、公务接待费"))
    assert [a.amount for a in row.amounts] == [Decimal("3.309840"), Decimal("3.000000")]
    assert {t.source_unit for t in session.scalars(sa.select(BudgetTable))} == {"元"}


@pytest.fixture
def reviewer(users, login):
    return login(users["reviewer"])


def test_the_department_page_shows_the_tables_and_the_checks(client, reviewer):
    page = client.get("/departments/306/2024").get_data(as_text=True)
    assert "部门预算表" in page and "各项核对全部一致" in page
    assert page.count('<details class="budget-table"') == 9
    assert "<summary>部门预算一般公共预算财政拨款基本支出表（单位：万元）</summary>" in page
    assert '<td class="subject">2010301</td><td>行政运行</td><td class="num">893.90</td>' in page
    assert '<td class="num">1,439.91</td>' in page
    assert "空表（文件中该表无数据）" in page  # 政府性基金 and 国有资本经营: 空表列示


def test_the_department_page_names_each_finding_with_both_figures(client, reviewer, session):
    department = session.scalar(sa.select(Department).where(Department.code == "306"))
    year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == 2024))
    wrong = bd.Budget().edit("three", "三、公务接待费", 2, "4.00").edit("three", "三、公务接待费", 3, "4.00")
    parsed = load_disclosure(bd.render_text(bd.document_elements(wrong))[0].encode(), "a.txt")
    assert replace_budget_tables(department, year, parsed.budget_tables, parsed.budget_checks, "test")
    session.commit()
    page = client.get("/departments/306/2024").get_data(as_text=True)
    assert "核对发现 2 处不一致" in page
    parts = "一、因公出国（境）费 0.00 万元 + 二、公务用车购置及运维费 5.00 万元 + 三、公务接待费 4.00 万元"
    assert f"““三公”经费小计”行的合计 8.00 万元，与{parts} = 9.00 万元不一致" in page
    assert '部门预算财政拨款“三公”经费支出表（单位：万元） <span class="warn">2 处不一致</span>' in page


def test_the_upload_preview_names_the_tables_and_the_warnings_and_the_import_goes_ahead(client, reviewer, session):
    lines = resources.files("perf.documents").joinpath(SAMPLE).read_text("utf-8").split("\n")
    assert lines[1617 - 1] == "\t6" and lines[1619 - 1] == "\t5.00"
    lines[1619 - 1] = lines[1620 - 1] = "\t4.00"  # 公务用车运行维护费 4.00 under a 公务用车购置及运维费 of 5.00
    data = "\n".join(lines).encode()
    response = client.post(
        "/imports",
        data={"kind": "disclosure", "file": (io.BytesIO(data), "公开.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h2>部门预算表</h2>" in page and "核对 “三公”经费 = 各分项：12 处，2 处不一致" in page
    message = (
        "部门预算财政拨款“三公”经费支出表，第1603行：“二、公务用车购置及运维费”行的合计 5.00 万元，"
        "与其中：公务用车购置费 0.00 万元 + 公务用车运行维护费 4.00 万元 = 4.00 万元不一致"
    )
    assert message in page
    assert client.post(response.headers["Location"] + "/apply").status_code == 302
    department = client.get("/departments/306/2024").get_data(as_text=True)
    assert "核对发现 2 处不一致" in department and message.split("：", 1)[1] in department
