"""``perf import-targets`` and the ``targets`` upload: a flat table's projects under their own units, its 权重
as self-evaluation weights, all or nothing, idempotent, local codes kept across re-imports."""

import json
from decimal import Decimal

import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.evaluation.models import EvaluationRow
from perf.imports import services as uploads
from perf.org.models import Department, Unit
from perf.projects.models import Project
from tests.documents import flat_files as f

ROAD = "51112323R000000012345"


def run(runner, tmp_path, data: bytes, *args, name="绩效目标.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["perf", "import-targets", str(path), *args])


def test_the_command_writes_projects_under_their_units_with_weights(runner, session, tmp_path):
    result = run(runner, tmp_path, f.xlsx())
    assert result.exit_code == 0, result.output
    assert "部门：820 马踏镇部门" in result.output and "项目：3 个（新增 3，覆盖 0，未变 0）" in result.output
    assert "文件金额单位：元" in result.output and "自评权重：10 个指标" in result.output
    assert "未读取的列：评(扣)分标准" in result.output
    department = session.scalar(sa.select(Department).where(Department.code == "820"))
    assert [(u.code, u.name) for u in department.units] == [
        ("820001", "井研县马踏镇人民政府"),
        ("820002", "井研县马踏镇社会事务服务中心"),
    ]
    road = session.scalar(sa.select(Project).where(Project.code == ROAD))
    assert (road.unit.name, road.total, road.status) == ("井研县马踏镇人民政府", Decimal("330.984"), "approved")
    assert [(i.level1, i.name, i.comparator, i.target, i.unit) for i in road.indicators][:3] == [
        ("产出指标", "养护道路里程", "≥", Decimal(35), "公里"),
        ("效益指标", "道路完好率", "≥", Decimal(95), "%"),
        ("产出指标", "养护成本", "≤", Decimal("330.984"), "万元"),
    ]
    weights = session.execute(
        sa.select(EvaluationRow.weight)
        .join(EvaluationRow.indicator)
        .where(EvaluationRow.indicator.has(project_id=road.id))
    ).scalars()
    assert sorted(weights) == sorted(Decimal(w) for w in ("20", "20", "20", "15", "15"))
    exported = json.loads(runner.invoke(args=["perf", "export-project", ROAD]).output)
    assert exported["name"] == "镇村道路养护经费" and exported["goal"] == f.GOAL_A
    # 3,309,840.00 元 is 330.984 万元, held exactly and given back in both units.
    assert exported["total"] == "330.984"
    assert exported["budget"] == {
        "total": "330.984",
        "fiscal": "330.984",
        "other": "0.00",
        "total_yuan": "3309840.00",
        "fiscal_yuan": "3309840.00",
        "other_yuan": "0.00",
    }
    assert [i["weight"] for i in exported["indicators"]] == ["20.00", "20.00", "20.00", "15.00", "15.00"]
    again = run(runner, tmp_path, f.csv_bytes(), name="绩效目标.csv")  # the same table as a GBK CSV
    assert again.exit_code == 0, again.output
    assert "项目：3 个（新增 0，覆盖 0，未变 3）" in again.output


def test_a_file_with_a_problem_writes_nothing_and_exits_1(runner, session, tmp_path):
    rows = f.flat_rows()
    rows[2][9] = None
    result = run(runner, tmp_path, f.xlsx(rows))
    assert result.exit_code == 1
    assert "第6行：请填写指标值" in result.output and "未导入任何内容" in result.output
    assert session.scalar(sa.select(sa.func.count(Project.id))) == 0
    assert session.scalar(sa.select(sa.func.count(Unit.id))) == 0


def test_local_codes_find_their_project_again_even_after_it_got_its_real_code(runner, session, tmp_path):
    assert run(runner, tmp_path, f.xlsx(with_codes=False)).exit_code == 0
    road = session.scalar(sa.select(Project).where(Project.name == "镇村道路养护经费"))
    assert road.code.startswith("LOCAL")
    road.code = "51112323R000000099999"  # the real code, set since
    session.commit()
    again = run(runner, tmp_path, f.xlsx(with_codes=False))
    assert again.exit_code == 0, again.output
    assert "新增 0，覆盖 0，未变 3" in again.output
    assert session.scalar(sa.select(sa.func.count(Project.id))) == 3


def test_the_year_option_and_a_title_that_disagrees(runner, session, tmp_path):
    result = run(runner, tmp_path, f.xlsx(), "--year", "2024")
    assert result.exit_code == 1
    assert "标题为 2023 年度，与指定的 2024 年度不一致" in result.output


def test_the_upload_checks_applies_and_audits_for_an_admin(session, users):
    record = uploads.check("targets", "绩效目标.xlsx", f.xlsx(), users["admin"])
    assert record.status == "checked" and record.problems == []
    assert record.summary == {"new": 3, "changed": 0, "unchanged": 0}
    assert session.scalar(sa.select(sa.func.count(Project.id)).where(Project.code == ROAD)) == 0
    uploads.apply(record, users["admin"])
    assert session.scalar(sa.select(Project).where(Project.code == ROAD)).unit.code == "820001"
    actions = set(session.scalars(sa.select(AuditEntry.action)))
    assert {"import.check", "import.apply", "disclosure.import"} <= actions


def test_an_upload_of_another_departments_table_or_units_is_refused(session, users):
    reviewer = uploads.check("targets", "t.xlsx", f.xlsx(), users["reviewer"])
    assert [p["message"] for p in reviewer.problems] == ["文件是部门 820 的绩效目标表，不是您审核的部门"]
    owner = uploads.check("targets", "t.xlsx", f.xlsx(), users["owner"])
    assert [p["where"] for p in owner.problems] == ["第5行", "第10行", "第13行"]
    assert "无权导入单位“井研县马踏镇人民政府”的项目“镇村道路养护经费”" in owner.problems[0]["message"]
    assert not owner.can_apply


def test_a_local_code_is_shown_as_such_on_the_project_page(client, login, session, users):
    uploads.apply(uploads.check("targets", "t.xlsx", f.xlsx(with_codes=False), users["admin"]), users["admin"])
    road = session.scalar(sa.select(Project).where(Project.name == "镇村道路养护经费"))
    login(users["admin"])
    page = client.get(f"/projects/2023/{road.code}").get_data(as_text=True)
    assert "本地编码：导入文件中没有项目编码" in page
    other = client.get("/projects/2024/13020724P00X4BL10005W").get_data(as_text=True)
    assert "本地编码" not in other
