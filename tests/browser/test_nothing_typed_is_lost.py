"""Clicking 提交审核 on the self-evaluation without saving first keeps everything typed."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# a project no other browser test touches
PROJECT_URL = "/projects/2024/13020724P00J22H100076"
OUTCOME = "劳务派遣人员按合同足额发放，全年无拖欠。"


def test_submit_without_saving_saves_first_and_keeps_the_typed_values(page):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    page.locator("#self-evaluation-link").click()
    page.locator("#outcome").fill(OUTCOME)
    page.locator("#rows-0-reason").fill("按合同执行")
    page.locator("#submit-evaluation").click()  # never saved: the page must not lose the typing
    # refused (no actual values yet), but what was typed is saved and shown again
    expect(page.locator("p.flash.flash-error").first).to_contain_text("绩效自评还不能提交")
    expect(page.locator("p.flash.flash-info")).to_contain_text("所填内容已保存")
    expect(page.locator("#evaluation-status")).to_have_text("填报中")
    page.reload()
    expect(page.locator("#outcome")).to_have_value(OUTCOME)
    expect(page.locator("#rows-0-reason")).to_have_value("按合同执行")
    assert "将先保存所填内容再提交" in page.dialogs[-1]
