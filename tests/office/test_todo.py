"""``perf todo``: what waits for each role, counted by hand from the sample department.

The sample's 7 projects are imported approved, all in the 本级 unit that the demo ``owner`` looks
after (``owner2`` has the other unit, which holds none). With no payments, the scan on 2024-07-01
finds every project behind its 6月底 milestone (planned > 0, paid 0): 7 red alerts.
"""

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from perf.alerts.bookkeeping import run_scan
from perf.auth.models import User
from perf.office import todo as todo_module
from perf.office import views
from perf.office.todo import KINDS, count
from perf.office.todo import todo as todo_of
from perf.org.models import BudgetYear
from perf.projects.services import create_project
from tests.factories import target_table

CODE = "13020724P00X4BL10005W"
CODES = sorted(
    [
        "13020724P00000410001A",
        "13020724P00EL6T100050",
        "13020724P00F48410007F",
        "13020724P00F484100083",
        "13020724P00J22H100076",
        "13020724P00P8L210007E",
        CODE,
    ]
)


def todo(runner, username, as_of):
    result = runner.invoke(args=["perf", "todo", username, "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def scanned(runner, demo):
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0


def test_after_the_sample_scan_each_role_has_what_a_hand_count_gives(runner, scanned):
    owner = todo(runner, "owner", "2024-07-01")
    # 7 red alerts to answer within ALERT_ANSWER_DAYS (10) of the scan; nothing else: every table
    # is approved, the mid-year round (07-31) has not come, self-evaluations start next year
    assert [item["project_code"] for item in owner] == CODES
    assert {(i["kind"], i["since"], i["due"], i["overdue"]) for i in owner} == {
        ("alert_answer", "2024-07-01", "2024-07-11", False)
    }
    assert owner[0] == {
        "kind": "alert_answer",
        "project_code": "13020724P00000410001A",
        "project_name": "新设企业印章免费刻制服务",
        "title": "说明支出进度滞后（6月底，红灯）",
        "since": "2024-07-01",
        "due": "2024-07-11",
        "overdue": False,
    }
    # the reviewer follows every project with no answer to a red light
    reviewer = todo(runner, "reviewer", "2024-07-01")
    assert [(i["kind"], i["project_code"]) for i in reviewer] == [("alert_answer", code) for code in CODES]
    # the leader sees escalations and missed deadlines only: none yet
    assert todo(runner, "leader", "2024-07-01") == []
    assert todo(runner, "owner2", "2024-07-01") == []
    assert todo(runner, "admin", "2024-07-01") == []


def test_late_alerts_are_overdue_and_escalate_to_the_leader(runner, scanned):
    owner = todo(runner, "owner", "2024-07-12")
    assert {i["overdue"] for i in owner} == {True}
    assert todo(runner, "leader", "2024-07-20") == []  # twice the limit is 07-21
    leader = todo(runner, "leader", "2024-07-21")
    assert [(i["kind"], i["project_code"], i["overdue"]) for i in leader] == [
        ("alert_answer", code, True) for code in CODES
    ]


def test_steps_move_items_between_people(runner, scanned):
    def steps(*args):
        result = runner.invoke(args=["perf", "step", *args])
        assert result.exit_code == 0, result.output

    steps("target", CODE, "adjust", "--as", "owner", "--comment", "预算调整")
    owner = todo(runner, "owner", "2024-07-01")
    draft = [i for i in owner if i["kind"] == "deadline"]
    # an adjustment of an approved table is work to do, but 目标申报's deadline is not its own
    assert [(i["project_code"], i["title"], i["due"], i["overdue"]) for i in draft] == [
        (CODE, "提交调整后的绩效目标表", None, False)
    ]
    steps("target", CODE, "submit", "--as", "owner")
    review = [i for i in todo(runner, "reviewer", "2024-07-01") if i["kind"] == "target_review"]
    assert [(i["project_code"], i["title"], i["due"]) for i in review] == [(CODE, "审核绩效目标表", None)]
    steps("target", CODE, "return", "--as", "reviewer", "--comment", "请补充满意度指标")
    returned = [i for i in todo(runner, "owner", "2024-07-01") if i["kind"] == "target_returned"]
    assert [(i["project_code"], i["title"]) for i in returned] == [(CODE, "绩效目标表已退回：请补充满意度指标")]
    assert not [i for i in todo(runner, "reviewer", "2024-07-01") if i["kind"] == "target_review"]
    for who in ("reviewer", "leader"):
        assert not [i for i in todo(runner, who, "2024-07-01") if i["kind"] == "deadline"]


def test_a_new_table_not_approved_by_target_deadline_is_late_for_everyone(runner, scanned, session):
    owner = session.scalar(sa.select(User).where(User.username == "owner"))
    year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == 2024))
    create_project(year, owner.units[0], target_table("13020724P00NEWDRAFT1", "新申报项目"), actor="test")
    session.commit()
    # a draft to submit by 目标申报 (01-31 of the budget year): not yet late in January, late in July
    early = [i for i in todo(runner, "owner", "2024-01-20") if i["kind"] == "deadline"]
    assert [(i["project_code"], i["title"], i["due"], i["overdue"]) for i in early] == [
        ("13020724P00NEWDRAFT1", "提交绩效目标表（目标申报）", "2024-01-31", False)
    ]
    late = [i for i in todo(runner, "owner", "2024-07-01") if i["kind"] == "deadline"]
    assert [(i["project_code"], i["overdue"]) for i in late] == [("13020724P00NEWDRAFT1", True)]
    # the reviewer and the leader see the department's missed 目标申报 deadline
    for who in ("reviewer", "leader"):
        late = [i for i in todo(runner, who, "2024-07-01") if i["kind"] == "deadline"]
        assert [(i["project_code"], i["overdue"]) for i in late] == [("13020724P00NEWDRAFT1", True)]


def test_the_mid_year_round_and_the_self_evaluation_come_in_their_season(runner, demo):
    assert {i["kind"] for i in todo(runner, "owner", "2024-07-30")} == set()
    midyear = todo(runner, "owner", "2024-07-31")
    assert {(i["kind"], i["since"], i["due"]) for i in midyear} == {("midyear_fill", "2024-07-31", "2024-08-15")}
    assert len(midyear) == 7
    late = todo(runner, "reviewer", "2024-08-16")
    assert {(i["kind"], i["overdue"]) for i in late} == {("deadline", True)} and len(late) == 7
    new_year = todo(runner, "owner", "2025-01-02")
    fills = [i for i in new_year if i["kind"] == "self_eval_fill"]
    assert len(fills) == 7 and {(i["since"], i["due"]) for i in fills} == {("2025-01-01", "2025-03-31")}


def test_every_kind_is_one_the_contract_names(runner, scanned):
    seen = {i["kind"] for who in ("owner", "reviewer", "leader") for i in todo(runner, who, "2024-07-21")}
    assert seen <= set(KINDS)
    assert set(KINDS) == {
        "target_review",
        "target_returned",
        "alert_answer",
        "alert_review",
        "self_eval_fill",
        "self_eval_review",
        "self_eval_returned",
        "midyear_fill",
        "deadline",
    }


def test_an_unknown_user_is_refused_in_chinese(runner, demo):
    result = runner.invoke(args=["perf", "todo", "nobody", "--json"])
    assert result.exit_code == 1 and "用户 nobody 不存在" in (result.stderr or result.output)


def test_the_home_page_lists_the_most_urgent_items_and_the_top_bar_counts_them_all(
    client, login, users, session, monkeypatch
):
    run_scan(date(2024, 7, 1), "test")
    session.commit()
    owner = users["owner"]
    everything = todo_of(owner)
    assert len(everything) > 5 and count(owner) == len(everything)
    monkeypatch.setattr(views, "LIST_LIMIT", 5)
    page = login(owner).get("/").get_data(as_text=True)
    assert f'id="todo-count">{len(everything)}<' in page
    assert f"共 {len(everything)} 项，以下为最紧急的 5 项" in page
    listed = re.findall(r'<a href="([^"]+)">[^<]+</a></td>\s*<td class="nowrap">', page)
    assert listed == [item.link for item in everything[:5]]


def test_the_top_bar_counts_up_to_its_cap_and_says_at_least(client, login, users, session, monkeypatch):
    run_scan(date(2024, 7, 1), "test")
    session.commit()
    owner = users["owner"]
    assert len(todo_of(owner)) > 3
    monkeypatch.setattr(todo_module, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    monkeypatch.setattr(views, "LIST_LIMIT", 2)
    assert count(owner) == 3
    page = login(owner).get("/").get_data(as_text=True)
    assert 'id="todo-count">3+<' in page and "我的待办（3+）" in page
    assert "超过 3 项，以下为最紧急的 2 项" in page
