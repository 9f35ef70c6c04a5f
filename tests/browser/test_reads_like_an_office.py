"""Pages read like a finance office's own system: grouped money, grade and light explained, a Chinese 修改记录."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out

# 新设企业印章免费刻制服务 (50 万元, the owner's unit); no other browser test touches it
CODE = "13020724P00000410001A"
PROJECT_URL = f"/projects/2024/{CODE}"


def pay(page, voucher: str, amount: str) -> None:
    form = page.locator("#payment-form")
    form.locator("input[name=date]").fill("2024-06-30")
    form.locator("input[name=voucher_no]").fill(voucher)
    form.locator("input[name=amount_yuan]").fill(amount)
    form.locator("input[name=note]").fill("印章刻制费")
    page.locator("#add-payment").click()


def test_money_is_grouped_and_the_audit_log_speaks_chinese(page, shoot):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    pay(page, "PZ-READS-1", "123,456.78")  # typed as finance staff write it
    expect(page.locator("p.flash.flash-success")).to_contain_text("123,456.78 元")
    expect(page.locator("#payment-totals")).to_contain_text("累计支付 123,456.78 元")
    expect(page.locator("#payment-totals")).to_contain_text("按预算数 50.00 万元计")
    expect(page.locator("#payment-table")).to_contain_text("123,456.78")
    shoot(page, "reads-01-grouped-money")
    # the whole budget spent, no actual value entered: 差 (10 points) with a green light, explained
    pay(page, "PZ-READS-2", "376543.22")
    expect(page.locator("#payment-totals")).to_contain_text("累计支付 500,000.00 元")
    page.get_by_role("link", name="绩效自评").click()
    expect(page.locator("#grade")).to_contain_text("差")
    expect(page.locator("#grade")).to_contain_text("绿灯")
    expect(page.locator("#grade-note")).to_have_text(re.compile(r"^绿灯只说明.*等级“差”是因为自评得分低于 60 分。$"))
    expect(page.locator("#evaluation-summary")).to_contain_text("50.00")
    shoot(page, "reads-02-grade-and-light")
    sign_out(page)

    sign_in(page, "reviewer")
    page.goto(PROJECT_URL)
    page.get_by_role("link", name="修改记录").click()
    audit = page.locator("#audit")
    expect(audit.locator("td.action").first).to_have_text("新增支付")
    expect(audit.locator("tbody tr").nth(1)).to_contain_text("凭证号 PZ-READS-1，123,456.78 元")
    expect(audit.locator("tbody tr").nth(1)).to_contain_text("123,456.78")
    expect(audit.locator("td.actor").first).to_have_text("演示项目负责人")
    text = audit.inner_text()
    assert "payment.add" not in text and "project.import" not in text and "cli" not in text
    assert "导入绩效目标表" in text  # the sample table came in from the published document
    assert re.search(r"系统（命令行）", text)  # … by the command line
    shoot(page, "reads-03-audit-log")
