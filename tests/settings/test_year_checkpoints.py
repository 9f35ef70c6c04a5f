"""The checkpoints of a budget year not yet under way, in 系统设置 (page and API): moved while its first
checkpoint is still to come, never added or removed under entered plans, refused once the year has begun."""

from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from perf.audit.models import AuditEntry
from perf.org.models import BudgetYear
from perf.org.services import ensure_year
from perf.projects.models import PlanEntry
from tests.settings.test_settings_page import DEFAULT_FORM

BEFORE_2024 = date(2024, 1, 10)  # the sample's year, before its first checkpoint (03-31)
DEFAULT = ["03-31", "06-30", "10-31", "12-31"]


@pytest.fixture
def early(demo):
    """It is 2024-01-10: the sample's year has not begun."""
    with time_machine.travel(BEFORE_2024, tick=False):
        yield


def dates_of(session, year: int) -> list[date]:
    session.expire_all()
    budget_year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == year))
    return [cp.on_date for cp in budget_year.checkpoints]


def plans(session) -> list[tuple]:
    return sorted(session.execute(sa.select(PlanEntry.project_id, PlanEntry.seq, PlanEntry.cumulative_pct)).all())


def test_the_api_lists_the_years_not_yet_under_way_and_moves_their_dates(api, session, early):
    assert api("GET", "/api/v1/settings", "admin").get_json()["values"]["year_checkpoints"] == {"2024": DEFAULT}
    planned = plans(session)
    moved = ["06-30", "09-30", "11-30", "12-31"]  # 06-30 moves onto the first checkpoint, another's old date
    answer = api("PUT", "/api/v1/settings", "admin", json={"year_checkpoints": {"2024": moved}})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["values"]["year_checkpoints"] == {"2024": moved}
    assert dates_of(session, 2024) == [date(2024, 6, 30), date(2024, 9, 30), date(2024, 11, 30), date(2024, 12, 31)]
    assert plans(session) == planned  # every project's 资金支出计划 is kept, checkpoint by checkpoint
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "year.checkpoints")).one()
    assert entry.actor == "t-admin"
    assert entry.changes == {"2024 年度时间节点": ["3月底、6月底、10月底、12月底", "6月底、9月底、11月底、12月底"]}


def test_adding_a_checkpoint_under_entered_plans_is_refused(api, session, early):
    answer = api("PUT", "/api/v1/settings", "admin", json={"year_checkpoints": {"2024": ["06-30", "12-31"]}})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert list(errors) == ["year_checkpoints.2024"]
    assert "只能修改日期，不能增减时间节点" in errors["year_checkpoints.2024"][0]
    assert dates_of(session, 2024)[0] == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"2030": DEFAULT}, "没有 2030 预算年度"),
        ({"99999999999": DEFAULT}, "没有 99999999999 预算年度"),
        ({"2024": ["12-31", "06-30"]}, "时间节点须按日期从早到晚排列，且不重复"),
        ({"2024": ["01-05", "06-30", "10-31", "12-31"]}, "第一个时间节点须晚于今天（2024-01-10）"),
        ({"2024": ["02-30", "06-30", "10-31", "12-31"]}, "第 1 个时间节点“02-30”应为“月-日”"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_year(api, session, early, body, message):
    answer = api("PUT", "/api/v1/settings", "admin", json={"year_checkpoints": body, "reminder_days": 0})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert set(errors) == {f"year_checkpoints.{next(iter(body))}", "reminder_days"}  # every problem at once
    assert message in errors[f"year_checkpoints.{next(iter(body))}"][0]
    assert dates_of(session, 2024)[0] == date(2024, 3, 31)


def test_a_year_under_way_is_no_longer_listed_or_changed(api, session, demo):
    with time_machine.travel(date(2024, 4, 1), tick=False):
        assert api("GET", "/api/v1/settings", "admin").get_json()["values"]["year_checkpoints"] == {}
        answer = api("PUT", "/api/v1/settings", "admin", json={"year_checkpoints": {"2024": DEFAULT}})
    assert answer.status_code == 422
    assert "已过第一个时间节点（已开始执行）" in answer.get_json()["errors"]["year_checkpoints.2024"][0]


def test_a_year_without_plans_may_take_another_number_of_checkpoints(api, session, demo):
    ensure_year(2031)
    session.commit()
    with time_machine.travel(date(2030, 12, 1), tick=False):
        answer = api("PUT", "/api/v1/settings", "admin", json={"year_checkpoints": {"2031": ["06-30", "12-31"]}})
    assert answer.status_code == 200, answer.get_json()
    session.expire_all()
    year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == 2031))
    assert [(cp.seq, cp.on_date, cp.label, cp.is_final) for cp in year.checkpoints] == [
        (1, date(2031, 6, 30), "6月底", False),
        (2, date(2031, 12, 31), "12月底", True),
    ]


def test_the_page_shows_a_box_per_open_year_and_keeps_a_refused_value(client, login, users, session, early):
    login(users["admin"])
    page = client.get("/settings").get_data(as_text=True)
    assert 'id="year-2024-checkpoints"' in page and 'value="03-31, 06-30, 10-31, 12-31"' in page
    refused = client.post("/settings", data={**DEFAULT_FORM, "year-2024-checkpoints": "06-30, 12-31"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "只能修改日期，不能增减时间节点" in text and 'value="06-30, 12-31"' in text
    saved = client.post(
        "/settings", data={**DEFAULT_FORM, "year-2024-checkpoints": "04-30, 06-30, 10-31, 12-31"}, follow_redirects=True
    )
    assert "已保存 1 项设置" in saved.get_data(as_text=True)
    assert dates_of(session, 2024)[0] == date(2024, 4, 30)


def test_without_an_open_year_the_page_says_how_one_comes(client, login, users, demo):
    with time_machine.travel(date(2024, 7, 1), tick=False):
        login(users["admin"])
        page = client.get("/settings").get_data(as_text=True)
    assert "目前没有尚未开始的预算年度" in page
