"""我的项目 / 待审核: search, filters, paging, bad parameters; batch 批复 (all or nothing); 已退回 in every list;
the 修改记录's filters and paging."""

import re

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.evaluation.models import SelfEvaluation
from perf.evaluation.workflow import SELF_EVALUATION
from perf.projects.models import Project
from perf.projects.services import create_project
from perf.review.workflow import TARGET
from perf.workflow.engine import take
from perf.workflow.models import StepEvent
from tests.factories import target_table

LONG = "成本指标请细化到培训期数，并补充每期参训人数和人均费用的测算依据，满意度指标请写明调查方式"


@pytest.fixture
def submitted(session, users):
    """Three tables of the owner's unit submitted for review (through the workflow)."""
    sample = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    made = []
    for i in range(3):
        project = create_project(
            sample.budget_year, users["owner"].units[0], target_table(f"BATCH{i}", f"批量项目{i}"), actor="test"
        )
        take(TARGET, "submit", project, users["owner"])
        made.append(project)
    session.commit()
    return made


def text(response) -> str:
    return response.get_data(as_text=True)


def codes(page: str) -> list[str]:
    return re.findall(r'<tr data-project="([^"]+)"', page)


def other_units_codes(session, users) -> list[str]:
    unit = users["other_owner"].units[0]
    return sorted(session.scalars(sa.select(Project.code).where(Project.unit_id == unit.id)))


def test_the_reviewer_sees_what_waits_and_can_search_and_filter(client, login, users, session, submitted):
    login(users["reviewer"])
    waiting = text(client.get("/queue"))
    assert sorted(codes(waiting)) == ["BATCH0", "BATCH1", "BATCH2"]  # 已提交 until another status is picked
    assert 'id="filter-year"' in waiting and '<option value="2024" selected>' in waiting
    assert codes(text(client.get("/queue?q=批量项目1"))) == ["BATCH1"]
    assert codes(text(client.get("/queue?q=batch2"))) == ["BATCH2"]  # letters in either case
    everything = codes(text(client.get("/queue?status=")))
    assert len(everything) == 10 and "13020724P00X4BL10005W" in everything  # the 7 imported ones too
    assert len(codes(text(client.get("/queue?status=approved")))) == 7
    other_unit = users["other_owner"].units[0].id
    own_unit = users["owner"].units[0].id
    assert len(codes(text(client.get(f"/queue?status=&unit={own_unit}")))) == 10
    none_there = text(client.get(f"/queue?status=&unit={other_unit}"))
    assert codes(none_there) == other_units_codes(session, users) == [] and "没有符合条件的项目" in none_there
    assert f'<option value="{other_unit}" selected>' in none_there


def test_filters_stay_filled_in_and_paging_keeps_them(client, login, users, submitted):
    login(users["reviewer"])
    first = text(client.get("/queue?q=批量&per_page=2"))
    assert 'value="批量"' in first and "第 1 页，共 3 条" in first and len(codes(first)) == 2
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "q=%E6%89%B9%E9%87%8F" in following and "per_page=2" in following and "page=2" in following
    second = text(client.get(following))
    assert "第 2 页，共 3 条" in second and len(codes(second)) == 1 and 'rel="prev"' in second
    assert set(codes(first)) | set(codes(second)) == {"BATCH0", "BATCH1", "BATCH2"}
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999999999999999999",
        "page=-1",
        "per_page=0",
        "per_page=abc",
        "year=x",
        "year=99999999999999999999",
        "status=bogus",
        "unit=abc",
        "unit=99999999999999999999",
        "q=%00%27%22%25_",
    ],
)
def test_bad_parameters_fall_back_never_a_500(client, login, users, submitted, query):
    for who in ("reviewer", "owner"):
        login(users[who])
        response = client.get(f"/queue?{query}")
        assert response.status_code == 200, (who, query)


def test_a_page_past_the_end_shows_the_last_one(client, login, users, submitted):
    login(users["reviewer"])
    page = text(client.get("/queue?per_page=2&page=40"))
    assert "第 2 页，共 3 条" in page and len(codes(page)) == 1


def test_the_owner_lists_only_their_units_projects(client, login, users, session, submitted):
    login(users["owner"])
    mine = codes(text(client.get("/queue")))
    assert {"BATCH0", "BATCH1", "BATCH2"} <= set(mine) and not set(other_units_codes(session, users)) & set(mine)
    assert 'name="project_id"' not in text(client.get("/queue"))  # no batch 批复 for owners


def test_batch_approve_approves_every_ticked_table(client, login, users, session, submitted):
    login(users["reviewer"])
    ids = [p.id for p in submitted]
    page = text(client.get("/queue"))
    assert 'id="batch-approve-button" data-confirm=' in page
    response = client.post("/queue/approve?q=批量", data={"project_id": ids, "comment": "同意"})
    assert response.status_code == 302 and "q=" in response.headers["Location"]
    session.expire_all()
    assert [session.get(Project, i).status for i in ids] == ["approved"] * 3
    audited = session.scalars(
        sa.select(AuditEntry.object_id).where(AuditEntry.action == "project.approve").order_by(AuditEntry.object_id)
    ).all()
    assert sorted(audited) == sorted(str(i) for i in ids)  # audited per project, like a single 批复
    events = session.scalars(sa.select(StepEvent).where(StepEvent.step == "approve")).all()
    assert sorted(e.project_id for e in events) == sorted(ids) and {e.comment for e in events} == {"同意"}
    assert "已批复 3 个绩效目标表" in text(client.get("/queue"))


def test_one_refused_table_approves_none_and_names_it(client, login, users, session, submitted):
    withdrawn = submitted[1]
    take(TARGET, "withdraw", withdrawn, users["owner"])
    session.commit()
    login(users["reviewer"])
    ids = [p.id for p in submitted]
    response = client.post("/queue/approve?status=", data={"project_id": ids, "comment": "同意"})
    page = text(response)
    assert response.status_code == 422
    assert "均未批复" in page and "BATCH1 批量项目1：项目当前为“草稿”，不能批复" in page
    assert "BATCH0 批量项目0：" not in page  # only the refused one is named
    session.expire_all()
    assert [session.get(Project, i).status for i in ids] == ["submitted", "draft", "submitted"]
    assert session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "project.approve")) == 0
    for project in (submitted[0], submitted[2]):  # the ticks are kept, and so is the comment
        assert re.search(rf'value="{project.id}"[^>]*checked', page)
    assert ">同意</textarea>" in page


def test_batch_approve_with_nothing_ticked_says_so(client, login, users, submitted):
    login(users["reviewer"])
    response = client.post("/queue/approve", data={"project_id": ["abc", "99999999999999999999"]})
    assert response.status_code == 422 and "请至少选择一个绩效目标表" in text(response)


def test_owners_and_leaders_cannot_batch_approve(client, login, users, session, submitted):
    for who in ("owner", "leader"):
        login(users[who])
        assert client.post("/queue/approve", data={"project_id": [submitted[0].id]}).status_code == 403
    session.expire_all()
    assert session.get(Project, submitted[0].id).status == "submitted"


def test_a_returned_table_shows_returned_with_its_comment_in_every_list(client, login, users, session, submitted):
    returned = submitted[0]
    take(TARGET, "return", returned, users["reviewer"], LONG)
    session.commit()
    login(users["owner"])
    for page in (text(client.get("/queue")), text(client.get("/departments/306/2024"))):
        row = page.split(returned.code, 1)[1].split("</tr>", 1)[0]
        assert "已退回" in row and "草稿" not in row
        assert LONG[:20] in row and f'title="绩效目标表已退回：{LONG}' in row  # shortened, whole in the title
        assert f">{LONG}<" not in row
    login(users["reviewer"])
    assert codes(text(client.get("/queue?status=returned"))) == [returned.code]
    assert returned.code not in codes(text(client.get("/queue?status=draft")))
    # resubmitted, it is no longer 已退回
    take(TARGET, "submit", returned, users["owner"])
    session.commit()
    row = text(client.get("/queue")).split(returned.code, 1)[1].split("</tr>", 1)[0]
    assert "已退回" not in row and "已提交" in row


def test_a_returned_self_evaluation_shows_in_the_lists(client, login, users, session):
    project = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    session.add(SelfEvaluation(project_id=project.id, status="submitted"))
    session.flush()
    take(SELF_EVALUATION, "return", project, users["reviewer"], "请补充偏差原因")
    session.commit()
    login(users["owner"])
    for page in (text(client.get("/queue?status=")), text(client.get("/departments/306/2024"))):
        row = page.split(project.code, 1)[1].split("</tr>", 1)[0]
        assert "自评已退回" in row and "请补充偏差原因" in row and "已批复" in row


def test_the_home_page_switches_years_and_searches(client, login, users):
    login(users["reviewer"])
    home = text(client.get("/"))
    assert 'id="todo"' in home or "待办" in home  # the 待办 block stays at the top
    assert '<option value="2024" selected>' in home and "唐山市丰南区行政审批局" in home
    assert "第 1 页，共 1 条" in home
    assert "没有符合条件的部门项目" in text(client.get("/?q=不存在的部门"))
    assert "唐山市丰南区行政审批局" in text(client.get("/?q=306&year=all"))
    for query in ("year=x", "page=abc", "page=99999999999999999999", "q=%00"):
        assert client.get(f"/?{query}").status_code == 200


def test_the_audit_log_filters_by_kind_person_and_dates(client, login, users, session, submitted):
    project = submitted[0]
    take(TARGET, "return", project, users["reviewer"], "请修改")
    session.commit()
    login(users["reviewer"])
    url = f"/projects/{project.id}/audit"
    everything = text(client.get(url))
    assert everything.count("<tr>") - 1 == 3  # created, submitted, returned
    assert 'id="filter-kind"' in everything and '<option value="t-reviewer"' in everything and "财务审核" in everything
    mine = text(client.get(f"{url}?actor=t-reviewer"))
    assert mine.count("<tr>") - 1 == 1 and 'value="t-reviewer" selected' in mine
    assert text(client.get(f"{url}?kind=payment")).count("<tr>") - 1 == 1  # the empty-list row only
    assert "没有符合条件的记录" in text(client.get(f"{url}?kind=payment"))
    assert text(client.get(f"{url}?from=2000-01-01&to=2000-12-31")).count("没有符合条件的记录") == 1
    assert text(client.get(f"{url}?from=2000-01-01")).count("<tr>") - 1 == 3
    bad = client.get(f"{url}?from=2024-13-01&to=x&page=abc&kind=bogus")
    assert bad.status_code == 200 and "日期应写成 2024-07-01 的格式" in text(bad)
    assert text(bad).count("<tr>") - 1 == 3  # a bad date is said and not applied
    backwards = text(client.get(f"{url}?from=2030-01-01&to=2020-01-01"))
    assert "结束日期不能早于开始日期" in backwards
    paged = text(client.get(f"{url}?per_page=2&page=2"))
    assert "第 2 页，共 3 条" in paged and paged.count("<tr>") - 1 == 1


def test_submitted_self_evaluations_wait_in_the_reviewers_queue(client, login, users, session):
    project = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    login(users["reviewer"])
    assert "没有待审核的绩效自评" in text(client.get("/queue"))
    session.add(SelfEvaluation(project_id=project.id, status="submitted"))
    session.commit()
    page = text(client.get("/queue"))
    assert "待审核的绩效自评（1）" in page
    table = page.split('id="evaluation-queue"', 1)[1].split("</table>", 1)[0]
    assert codes(table) == [project.code]
    assert f'href="/projects/{project.id}/self-evaluation"' in table
    # the owner's 我的项目 has no such section
    login(users["owner"])
    assert "待审核的绩效自评" not in text(client.get("/queue"))
    # once returned it waits no more
    take(SELF_EVALUATION, "return", project, users["reviewer"], "请补充实际完成值")
    session.commit()
    login(users["reviewer"])
    assert "没有待审核的绩效自评" in text(client.get("/queue"))
