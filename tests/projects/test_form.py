"""The 绩效目标表 form through the test client: create, field-level errors, edit, stale saves."""

import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.numbers import wan_text
from perf.projects.models import Project
from tests.factories import project_form_data as form_data


@pytest.fixture
def owner(users, login):
    login(users["owner"])
    return users["owner"]


def test_the_new_form_offers_the_owners_units_and_the_years_checkpoints(client, owner):
    page = client.get("/projects/new").get_data(as_text=True)
    assert "新建绩效目标表 · 2024 年度" in page
    assert "唐山市丰南区行政审批局本级" in page and "公交资源交易中心" not in page
    for label in ("3月底", "6月底", "10月底", "12月底"):
        assert f"<th>{label}</th>" in page
    assert "/static/js/target-form.js" in page


def test_an_owner_creates_a_draft_with_six_indicators(client, owner, session):
    response = client.post("/projects/new", data=form_data(owner.units[0].id))
    assert response.status_code == 302, response.get_data(as_text=True)
    project = session.scalar(sa.select(Project).where(Project.code == "13020724P00TEST0001"))
    assert (project.status, project.total, project.fiscal, project.other) == ("draft", 10, 8, 2)
    assert [str(e.cumulative_pct) for e in project.plan] == ["20.00", "50.00", "80.00", "100.00"]
    assert [(i.name, i.value_text, i.comparator, i.unit) for i in project.indicators][:2] == [
        ("培训人数", "≥200人", "≥", "人"),
        ("培训合格率", "≥95%", "≥", "%"),
    ]
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "project.create"))
    assert (entry.actor, entry.object_id) == ("t-owner", str(project.id))


@pytest.mark.parametrize(
    ("total", "fiscal", "other", "shown"),
    [
        # 3,309,840.00 元 = 330.984 万元: held exactly, shown as entered, filled back into the edit form.
        ("330.984", "300.000001", "30.983999", ("330.984", "300.000001", "30.983999")),
        # 0.30 = 0.10 + 0.20, which SQLite's REAL storage does not add up exactly.
        ("0.30", "0.10", "0.20", ("0.30", "0.10", "0.20")),
        ("1,330.984", "1330.984", "0", ("1,330.984", "1,330.984", "0.00")),
    ],
)
def test_amounts_exact_to_the_fen_are_saved_shown_and_edited_as_entered(
    client, owner, session, total, fiscal, other, shown
):
    response = client.post("/projects/new", data=form_data(owner.units[0].id, total=total, fiscal=fiscal, other=other))
    assert response.status_code == 302, response.get_data(as_text=True)
    project = session.scalar(sa.select(Project).where(Project.code == "13020724P00TEST0001"))
    session.refresh(project)
    typed = [Decimal(v.replace(",", "")) for v in (total, fiscal, other)]
    assert [project.total, project.fiscal, project.other] == typed
    page = client.get(f"/projects/2024/{project.code}").get_data(as_text=True)
    cells = re.findall(r'<td class="num">(?:<span class="label">其他资金</span> )?([\d,.]+)</td>', page)
    assert cells[:3] == list(shown), page[page.find("预算数") : page.find("预算数") + 400]
    edit = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    for name, value in zip(("total", "fiscal", "other"), typed, strict=True):
        assert re.search(rf'name="{name}"[^>]*value="{wan_text(value)}"', edit), name


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"other": "3.00"}, "total", "财政资金 8.00 万元 + 其他资金 3.00 万元 ≠ 预算数 10.00 万元"),
        ({"plan-1": "10"}, "plan-1", "6月底的计划支出进度 10% 低于上一节点的 20%，累计进度不能下降"),
        ({"plan-3": "90"}, "plan-3", "12月底的计划支出进度应为 100%，实为 90%"),
        ({"plan-2": "八十"}, "plan-2", "请输入数字"),
        ({"total": "10.0000001", "fiscal": "8.0000001"}, "total", "以万元计最多 6 位小数（即精确到分）"),
        ({"code": ""}, "code", "请填写项目编码"),
        ({"code": "编码-1"}, "code", "项目编码只能由字母和数字组成"),
        (
            {"indicators-1-level2": "数量指标", "indicators-1-level1": "效益指标"},
            "indicators-1-level2",
            "“数量指标”不属于效益指标",
        ),
        ({"indicators-2-value": ""}, "indicators-2-value", "请填写指标值"),
        # more digits than indicator.target (Numeric(24, 6)) holds: a message, not a 500 on PostgreSQL
        (
            {"indicators-2-value": "≥99999999999999999999999%"},
            "indicators-2-value",
            "指标值中的数字过大（整数部分最多 18 位）",
        ),
        ({"code": "13020724P00X4BL10005W"}, "code", "2024 年度已有项目编码为 13020724P00X4BL10005W 的项目"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_lost(client, owner, session, changes, field, message):
    data = form_data(owner.units[0].id, **changes)
    response = client.post("/projects/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # the message sits right after the field it is about
    field_html = re.search(rf'<(input|select|textarea)[^>]*name="{field}"[^>]*>(.*?)</td>', page, re.S)
    assert field_html, field
    assert message in field_html.group(0)
    # what the user typed comes back
    assert 'value="业务培训经费"' in page and "举办业务培训两期。" in page and 'value="≥200人"' in page
    assert session.scalar(sa.select(sa.func.count(Project.id)).where(Project.status == "draft")) == 0


def test_rows_may_be_submitted_reordered(client, owner, session):
    data = form_data(owner.units[0].id)
    # the browser renumbers rows in the order shown: swap rows 0 and 5
    for key in [k for k in data if k.startswith("indicators-0-")]:
        other = key.replace("indicators-0-", "indicators-5-")
        data[key], data[other] = data[other], data[key]
    assert client.post("/projects/new", data=data).status_code == 302
    project = session.scalar(sa.select(Project).where(Project.code == "13020724P00TEST0001"))
    assert next(i.name for i in project.indicators) == "学员满意度"
    assert [i.position for i in project.indicators] == [1, 2, 3, 4, 5, 6]


def _create(client, owner, session):
    client.post("/projects/new", data=form_data(owner.units[0].id))
    return session.scalar(sa.select(Project).where(Project.code == "13020724P00TEST0001"))


def test_editing_records_what_changed(client, owner, session):
    project = _create(client, owner, session)
    data = form_data(owner.units[0].id, **{"indicators-0-value": "≥250人", "lock_version": str(project.lock_version)})
    assert client.post(f"/projects/{project.id}/edit", data=data).status_code == 302
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "project.update"))
    assert entry.changes == {
        "第1行指标": [
            "产出指标｜数量指标｜培训人数｜培训人数说明｜≥200人｜培训台账",
            "产出指标｜数量指标｜培训人数｜培训人数说明｜≥250人｜培训台账",
        ]
    }


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, owner, session):
    project = _create(client, owner, session)
    opened_at = project.lock_version
    first = form_data(owner.units[0].id, name="第一人的修改", lock_version=str(opened_at))
    assert client.post(f"/projects/{project.id}/edit", data=first).status_code == 302
    second = form_data(owner.units[0].id, name="第二人的修改", lock_version=str(opened_at))
    response = client.post(f"/projects/{project.id}/edit", data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该项目已被他人修改，您的保存未生效" in page
    assert 'value="第二人的修改"' in page
    session.expire_all()
    assert session.get(Project, project.id).name == "第一人的修改"
    # the refused page carries the version it was refused against: saving it again is a deliberate overwrite
    shown = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    assert shown == str(session.get(Project, project.id).lock_version)
    again = form_data(owner.units[0].id, name="第二人的修改", lock_version=shown)
    assert client.post(f"/projects/{project.id}/edit", data=again).status_code == 302
    session.expire_all()
    assert session.get(Project, project.id).name == "第二人的修改"


def test_an_approved_table_cannot_be_edited_directly(client, users, login, session):
    login(users["owner"])
    imported = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    response = client.get(f"/projects/{imported.id}/edit", follow_redirects=True)
    assert "不能直接修改" in response.get_data(as_text=True)


def test_an_owner_of_another_unit_cannot_edit(client, users, login, session):
    project = _create(client, login(users["owner"]) and users["owner"], session)
    login(users["other_owner"])
    assert client.get(f"/projects/{project.id}/edit").status_code == 403
    assert client.post(f"/projects/{project.id}/edit", data=form_data(project.unit_id)).status_code == 403


def test_live_parse_endpoint(client, owner):
    data = client.get(
        "/projects/parse-value", query_string={"value": "2200元/月", "level1": "产出指标", "level2": "成本指标"}
    ).json
    assert (data["kind"], data["target"], data["unit"], data["direction"]) == (
        "quantitative",
        "2200",
        "元/月",
        "lower_better",
    )
    assert data["label"] == "定量 · 2200 元/月 · 反向"


def test_library_suggests_names_from_approved_tables(client, owner):
    data = client.get("/projects/suggest", query_string={"level2": "满意度指标", "q": ""}).json
    assert data == {"suggestions": []}
    rows = client.get("/projects/suggest", query_string={"level2": "服务对象满意度指标", "q": "满意"}).json[
        "suggestions"
    ]
    assert rows[0]["name"] == "服务对象满意度" and rows[0]["uses"] == 2
    assert {r["name"] for r in rows} >= {"服务对象满意度", "服务对象满意度指标", "服务对象满意"}


def test_a_new_table_can_start_from_last_years(client, owner, session):
    from datetime import date

    from perf.org.services import ensure_year

    ensure_year(2025, [date(2025, 3, 31), date(2025, 6, 30), date(2025, 10, 31), date(2025, 12, 31)])
    source = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    page = client.get("/projects/new", query_string={"year": 2025, "copy": source.id}).get_data(as_text=True)
    assert "新建绩效目标表 · 2025 年度" in page
    assert 'value="13020724P00X4BL10005W"' in page and 'value="≤28万元"' in page and 'value="85"' in page
    # a pre-filled form keeps the checkpoint labels and the chosen 一级/二级 of every row
    assert all(f"<th>{label}</th>" in page for label in ("3月底", "6月底", "10月底", "12月底"))
    assert page.count('<option selected value="产出指标">') == 4
    assert page.count('<option selected value="满意度指标">') == 1


def test_live_parse_endpoint_reads_the_extra_units(client, owner, app, monkeypatch):
    asked = {"value": "≥12标段", "level1": "产出指标", "level2": "数量指标"}
    assert client.get("/projects/parse-value", query_string=asked).json["kind"] == "qualitative"
    monkeypatch.setitem(app.config, "EXTRA_UNITS", ["标段"])
    data = client.get("/projects/parse-value", query_string=asked).json
    assert (data["kind"], data["target"], data["unit"], data["label"]) == (
        "quantitative", "12", "标段", "定量 · ≥ 12 标段 · 正向",
    )  # fmt: skip
    late = client.get("/projects/parse-value", query_string={**asked, "value": "3个月内完成整改"}).json
    assert late["kind"] == "qualitative"
