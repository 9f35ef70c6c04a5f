"""The year-end forecast in the real browser: the dashboard's warning and 超支 light, and the alert page.

On its own live server (a fresh copy of the sample, tests/api/conftest.py's ``live_server``): the
scan opens alerts on every project, which the other browser stories must not meet.
As of 2024-08-30: 新设企业印章免费刻制服务 paid 50% by 6月底 (on plan, green) but nothing since, so
its plan expected 67.36% by now and the forecast is 74%; 就业见习基本生活费补贴 paid 38,000 元 of
3.71 万元 (102.43%, 超支); 公共资源交易中心运转经费 paid 35% of a 50% 6月底 plan (yellow, an alert).
"""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from perf.alerts.bookkeeping import run_scan
from perf.extensions import db
from perf.projects.models import Project
from perf.spending.models import Payment
from tests.api.conftest import live_server
from tests.browser.conftest import TIMEOUT_MS, sign_in

SEAL, TRAINEE, TRADING = "13020724P00000410001A", "13020724P00F48410007F", "13020724P00EL6T100050"
PAYMENTS = [
    (SEAL, "2024-06-25", "250000.00"),
    (TRAINEE, "2024-07-20", "38000.00"),
    (TRADING, "2024-05-10", "115150.00"),
]
AS_OF = "2024-08-30"


@pytest.fixture(scope="module")
def forecast_server(tmp_path_factory, sample_template):
    """A live perf of its own, with the payments above and a scan as of 2024-08-30 (committed)."""
    with live_server("perf_browser_forecast", tmp_path_factory.mktemp("forecast-db"), sample_template) as server:
        with server.app.app_context():
            for number, (code, day, amount) in enumerate(PAYMENTS, start=1):
                project = db.session.scalar(sa.select(Project).where(Project.code == code))
                db.session.add(
                    Payment(
                        project_id=project.id,
                        paid_on=date.fromisoformat(day),
                        amount=D(amount),
                        voucher_no=f"FC-{number}",
                        source="fiscal",
                    )
                )
            run_scan(date.fromisoformat(AS_OF), source="cli")
            db.session.commit()
            db.session.remove()
        yield server.url


@pytest.fixture
def forecast_page(browser, forecast_server):
    context = browser.new_context(base_url=forecast_server, locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_the_reviewer_sees_the_forecast_warning_the_overspent_light_and_the_alerts_forecast(forecast_page, shoot):
    page = forecast_page
    sign_in(page, "reviewer")
    page.goto(f"/departments/306/2024/dashboard?as_of={AS_OF}")
    warnings = page.locator("#forecast-warnings li")
    expect(warnings).to_have_count(2)
    expect(warnings.nth(0)).to_contain_text("新设企业印章免费刻制服务：当前进度正常，但按目前进度年底预计只能执行 74%")
    expect(warnings.nth(1)).to_contain_text("就业见习基本生活费补贴：已支付 38,000.00 元，超过预算数 37,100.00 元")
    seal = page.locator("#dashboard tbody tr", has_text=SEAL)
    expect(seal).to_have_class("forecast-short")
    expect(seal.locator("td.forecast")).to_have_text("74 预计不足")
    trainee = page.locator("#dashboard tbody tr", has_text=TRAINEE)
    expect(trainee.locator(".light-over")).to_be_visible()
    expect(trainee.locator("td").first).to_have_text("超支")
    expect(page.locator("#dashboard tbody tr", has_text=TRADING).locator("td.forecast")).to_have_text("50")
    shoot(page, "forecast-dashboard")

    with page.expect_navigation():  # a chosen light applies at once: the filter form is sent
        page.locator("#filter-level").select_option("over")  # the light filter knows 超支
    expect(page.locator("#dashboard tbody tr:visible")).to_have_count(1)
    expect(page.locator("#dashboard tbody tr:visible")).to_contain_text(TRAINEE)
    with page.expect_navigation():
        page.locator("#filter-level").select_option("")
    expect(page.locator("#dashboard tbody tr")).to_have_count(7)

    page.goto("/alerts")
    page.get_by_role("link", name="公共资源交易中心运转经费").first.click()
    expect(page.locator("h1")).to_contain_text("公共资源交易中心运转经费 · 6月底支出进度滞后")
    expect(page.locator("#forecast-line")).to_contain_text("按目前进度，12月底预计执行 50%")
    shoot(page, "forecast-alert")
