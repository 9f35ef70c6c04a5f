"""The year-end forecast and 超支 as people meet them: the dashboard, the alert page, the alert's message, perf scan."""

import json
import re
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.alerts import queries
from perf.alerts.models import Alert, Notification
from perf.org.models import BudgetYear
from perf.projects.models import Project
from perf.spending.status import compute

TRADING = "13020724P00EL6T100050"  # 公共资源交易中心运转经费: 32.90 万元, plan 25/50/90/100
NETWORK = "13020724P00X4BL10005W"  # 网络维护费: 28.00 万元 = 280,000 元, plan 15/30/85/100
DASHBOARD = "/departments/306/2024/dashboard?as_of={}"


def status_of(session, code: str, as_of: date):
    year = session.scalar(sa.select(BudgetYear).where(BudgetYear.year == 2024))
    return next(s for s in compute(as_of, year) if s.code == code)


def row_of(page: str, code: str) -> str:
    """The dashboard row of one project (its <tr> start tag included)."""
    start = page.rindex("<tr", 0, page.index(f'<td class="code">{code}</td>'))
    return page[start : page.index("</tr>", start)]


@pytest.mark.parametrize(
    ("paid", "actual", "over", "light"),
    [
        ("280000.00", "100.00", False, "green"),  # exactly the budget: a plain green light
        ("280013.00", "100.00", False, "green"),  # 100.0046% shows as 100.00: decided as displayed
        ("280028.00", "100.01", True, "over"),  # one hundredth of a percent over: 超支
        ("300000.00", "107.14", True, "over"),
    ],
)
def test_a_project_over_its_budget_is_not_plain_green(session, demo, pay, paid, actual, over, light):
    pay(NETWORK, "2024-12-20", paid)
    status = status_of(session, NETWORK, date(2024, 12, 31))
    assert (f"{status.actual_pct}", status.level, status.over_budget, status.light) == (actual, "green", over, light)


def test_the_dashboard_shows_overspending_with_its_own_light_and_explanation(client, users, login, pay):
    pay(NETWORK, "2024-12-20", "280028.00")
    pay(TRADING, "2024-12-20", "329000.00")  # exactly its budget
    login(users["reviewer"])
    page = client.get(DASHBOARD.format("2024-12-31")).get_data(as_text=True)
    network, trading = row_of(page, NETWORK), row_of(page, TRADING)
    assert 'data-level="over"' in network and "light-over" in network and ">超支<" in network
    assert 'data-level="green"' in trading and "超支" not in trading
    notice = page.split('id="forecast-warnings"')[1].split("</section>")[0]
    assert "网络维护费</strong>：已支付 280,028.00 元，超过预算数 280,000.00 元（执行 100.01%）" in notice
    assert "公共资源交易中心运转经费" not in notice
    assert re.search(r'<span class="light light-over"></span> 超支 1', page)
    assert '<option value="over">超支</option>' in page


def test_a_green_project_falling_behind_its_plan_gets_a_forecast_warning(client, users, login, pay, session):
    pay(NETWORK, "2024-06-20", "84000.00")  # 30%: exactly the 6月底 plan
    on_plan = status_of(session, NETWORK, date(2024, 6, 30))
    assert (on_plan.level, on_plan.forecast_pct, on_plan.forecast_short) == ("green", D(100), False)
    # two months on, nothing more paid: still green at the 6月底 checkpoint, but the plan expected 57.28% by now
    later = status_of(session, NETWORK, date(2024, 8, 30))
    assert (later.level, later.forecast_pct, later.forecast_short) == ("green", D(52), True)

    login(users["reviewer"])
    page = client.get(DASHBOARD.format("2024-08-30")).get_data(as_text=True)
    network = row_of(page, NETWORK)
    assert 'class="forecast-short"' in network and "预计不足" in network
    assert '<td class="num forecast" title="按目前进度，12月底预计执行 52%">52' in network
    notice = page.split('id="forecast-warnings"')[1].split("</section>")[0]
    assert "网络维护费</strong>：当前进度正常，但按目前进度年底预计只能执行 52%" in notice
    assert "比 100% 低 48 个百分点，提示线为 10 个百分点" in notice
    # the others paid nothing: red, forecast 0, and their alerts already say so (no second warning)
    trading = row_of(page, TRADING)
    assert 'data-level="red"' in trading and "预计不足" not in trading and "公共资源交易中心运转经费" not in notice


def test_the_shortfall_margin_is_a_setting(app, client, users, login, pay, session, monkeypatch):
    pay(NETWORK, "2024-06-20", "84000.00")
    monkeypatch.setitem(app.config, "FORECAST_SHORTFALL_MARGIN", "50")
    assert status_of(session, NETWORK, date(2024, 8, 30)).forecast_short is False  # 48 short, within 50
    login(users["reviewer"])
    page = client.get(DASHBOARD.format("2024-08-30")).get_data(as_text=True)
    assert 'id="forecast-warnings"' not in page and "预计不足" not in row_of(page, NETWORK)
    monkeypatch.setitem(app.config, "FORECAST_SHORTFALL_MARGIN", "47")
    assert status_of(session, NETWORK, date(2024, 8, 30)).forecast_short is True


def test_no_forecast_before_the_first_checkpoint(client, users, login, pay, session):
    pay(NETWORK, "2024-02-01", "28000.00")
    assert status_of(session, NETWORK, date(2024, 3, 30)).forecast_pct is None
    login(users["reviewer"])
    page = client.get(DASHBOARD.format("2024-03-30")).get_data(as_text=True)
    cell = row_of(page, NETWORK).split('class="num forecast"')[1]
    assert cell.startswith(' title="首个安排了支出的计划节点之后才作年底预计">—</td>')
    assert 'id="forecast-warnings"' not in page


def test_the_alert_page_and_its_message_carry_the_forecast(runner, client, users, people, login, pay, session):
    pay(TRADING, "2024-05-10", "115150.00")  # 35% at 7月1日, planned 50.33% by then: 69.55 -> 70
    result = runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01", "--json", "--no-deliver"])
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert (rows[TRADING]["forecast_pct"], rows[TRADING]["forecast_short"], rows[TRADING]["over_budget"]) == (
        "70.00",
        False,
        False,
    )
    alert = session.scalar(sa.select(Alert).join(Project).where(Project.code == TRADING, Alert.kind == "lag"))
    bodies = session.scalars(sa.select(Notification.body).where(Notification.alert_id == alert.id)).all()
    assert bodies and all("按目前进度，12月底预计执行 70%。" in body for body in bodies)

    login(users["owner"])
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    line = page.split('id="forecast-line">')[1].split("<")[0]
    assert line == "按目前进度，12月底预计执行 70%"


def test_the_alert_pages_figures_take_three_queries_whatever_the_plan(runner, demo, pay, session, count_queries):
    pay(TRADING, "2024-05-10", "115150.00")
    runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01", "--no-deliver"])
    alert_id = session.scalar(sa.select(Alert.id).join(Project).where(Project.code == TRADING, Alert.kind == "lag"))
    session.expire_all()
    alert = queries.alert(alert_id)
    with count_queries() as counted:
        amounts = queries.alert_amounts(alert)
    assert amounts["forecast_pct"] == D(70)
    assert len(counted) == 3  # payments, the year's checkpoints (the page reads them too), the plan
