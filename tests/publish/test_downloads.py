"""The department page's 导出部门绩效目标（Word）/（Excel） and ``perf export-disclosure``'s refusals."""

import io
from urllib.parse import unquote

import docx
import openpyxl
import sqlalchemy as sa

from perf.projects.models import PlanEntry, Project

URL = "/departments/306/2024/targets.{fmt}"


def test_the_department_page_offers_both_downloads(client, users, login):
    login(users["reviewer"])
    page = client.get("/departments/306/2024").get_data(as_text=True)
    assert "导出部门绩效目标（Word）" in page and "导出部门绩效目标（Excel）" in page
    assert URL.format(fmt="docx") in page and URL.format(fmt="xlsx") in page


def test_the_word_file_is_the_published_section_named_in_chinese(client, users, login):
    login(users["leader"])
    response = client.get(URL.format(fmt="docx"))
    assert response.status_code == 200
    assert "唐山市丰南区行政审批局2024年部门项目绩效目标.docx" in unquote(response.headers["Content-Disposition"])
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert "三、部门项目预算安排情况及绩效目标" in texts
    assert "1、“互联网+政务服务”行政审批网络维护费绩效目标表" in texts and len(document.tables) == 2 + 2 * 7
    header, indicators = document.tables[2], document.tables[3]
    assert [c.text for c in header.rows[1].cells][:4] == [
        "项目编码",
        "13020724P00X4BL10005W",
        "13020724P00X4BL10005W",
        "项目名称",
    ]
    first = [c.text for c in indicators.rows[1].cells]
    assert first == [
        "产出指标",
        "数量指标",
        "提供材料比例",
        "企业和群众办事提供的材料减少的比例",
        "≥40%",
        "网上审批事项工作台账",
    ]
    assert indicators.rows[2].cells[0]._tc is indicators.rows[1].cells[0]._tc  # 产出指标 merged down
    assert indicators.rows[4].cells[0]._tc is not indicators.rows[5].cells[0]._tc  # 效益指标 starts anew
    assert document.styles["Normal"].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "仿宋"


def test_the_excel_file_is_the_flat_table(client, users, login):
    login(users["reviewer"])
    response = client.get(URL.format(fmt="xlsx"))
    assert response.status_code == 200
    assert "唐山市丰南区行政审批局2024年部门项目绩效目标.xlsx" in unquote(response.headers["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "部门预算项目绩效目标申报表(2024年度)" and sheet["A2"].value == "金额单位：元"
    header = [c.value for c in sheet[3]]
    assert header[:13] == [
        "单位名称", "项目编码", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标",
        "指标性质", "指标值", "度量单位", "权重", "指标方向性",
    ]  # fmt: skip
    assert (sheet["A4"].value, sheet["D4"].value) == ("306-唐山市丰南区行政审批局", 2984500)
    assert [c.value for c in sheet[5]][:11] == [
        "唐山市丰南区行政审批局本级", "13020724P00X4BL10005W", "“互联网+政务服务”行政审批网络维护费", 280000,
        "1.整合政务资源，优化服务流程，强化业务协同，为企业和群众提供全流程一体化在线政务服务。",
        "产出指标", "数量指标", "提供材料比例", "≥", "40", "%",
    ]  # fmt: skip
    assert "A5:A12" in {str(r) for r in sheet.merged_cells.ranges}  # the unit merged over its 8 indicator rows


def test_only_those_who_may_see_the_department_download_it(client, users, login):
    for role, status in (("reviewer", 200), ("leader", 200), ("admin", 200), ("owner", 200), ("other_owner", 404)):
        login(users[role])
        assert client.get(URL.format(fmt="docx")).status_code == status, role
    assert client.get("/departments/999/2024/targets.xlsx").status_code == 404
    assert client.get("/departments/306/2024/targets.pdf").status_code == 404
    login(None)
    assert client.get(URL.format(fmt="xlsx")).status_code == 302


def test_an_owner_gets_only_the_projects_they_see(client, users, login, session):
    other = session.scalars(sa.select(Project).order_by(Project.id)).first()
    other.unit = users["other_owner"].units[0]
    session.commit()
    login(users["other_owner"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(URL.format(fmt="xlsx")).data)).active
    assert [row[1].value for row in sheet.iter_rows(min_row=5) if row[1].value] == [other.code]


def test_the_command_writes_the_file(runner, demo, tmp_path):
    out = tmp_path / "306.docx"
    args = ["perf", "export-disclosure", "--department", "306", "--year", "2024", "--format", "docx"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已导出" in result.output and out.read_bytes().startswith(b"PK")


def test_the_command_refuses_what_it_cannot_publish(runner, session, demo, tmp_path):
    args = ["perf", "export-disclosure", "--year", "2024", "--format", "docx"]
    unknown = runner.invoke(args=[*args, "--department", "999", "--out", str(tmp_path / "x.docx")])
    assert unknown.exit_code == 1 and "没有部门 999" in unknown.output + (unknown.stderr or "")
    nowhere = runner.invoke(args=[*args, "--department", "306", "--out", str(tmp_path / "no" / "x.docx")])
    assert nowhere.exit_code == 2 and "输出文件夹不存在" in nowhere.output + (nowhere.stderr or "")
    project = session.scalars(sa.select(Project).order_by(Project.id)).first()
    session.execute(sa.delete(PlanEntry).where(PlanEntry.project_id == project.id))
    session.commit()
    session.expire_all()
    unplanned = runner.invoke(args=[*args, "--department", "306", "--out", str(tmp_path / "x.docx")])
    assert unplanned.exit_code == 1 and not (tmp_path / "x.docx").exists()
    assert f"尚未填写资金支出计划，公开格式的绩效目标表必须有：{project.name}" in unplanned.output + (
        unplanned.stderr or ""
    )
    xlsx = ["perf", "export-disclosure", "--department", "306", "--year", "2024", "--format", "xlsx"]
    assert runner.invoke(args=[*xlsx, "--out", str(tmp_path / "x.xlsx")]).exit_code == 0  # a flat table may lack a plan


def test_a_department_the_word_layout_cannot_carry_is_refused_on_its_page(client, users, login, session):
    project = session.scalars(sa.select(Project).order_by(Project.id)).first()
    session.execute(sa.delete(PlanEntry).where(PlanEntry.project_id == project.id))
    session.commit()
    session.expire_all()
    login(users["reviewer"])
    response = client.get(URL.format(fmt="docx"), follow_redirects=True)
    assert response.request.path == "/departments/306/2024"
    assert f"以下项目尚未填写资金支出计划，公开格式的绩效目标表必须有：{project.name}" in response.get_data(
        as_text=True
    )
    assert client.get(URL.format(fmt="xlsx")).status_code == 200
