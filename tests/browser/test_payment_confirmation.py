"""A payment past the budget: refused with everything kept, confirmed, marked 超预算; deleting asks for a reason."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# 就业生活补贴（区级垫付）, 14.84 万元 = 148,400.00 元; no other browser test touches it
PROJECT_URL = "/projects/2024/13020724P00F484100083"


def fill_payment(page, date: str, voucher: str, amount: str, note: str) -> None:
    form = page.locator("#payment-form")
    form.locator("#date").fill(date)
    form.locator("#voucher_no").fill(voucher)
    form.locator("#amount_yuan").fill(amount)
    form.locator("#note").fill(note)


def test_a_payment_past_the_budget_needs_confirmation_and_is_marked(page, shoot):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    fill_payment(page, "2024-06-28", "PZ-BR-1", "148,400.00", "上半年补贴")  # exactly 100%
    page.locator("#add-payment").click()
    expect(page.locator("p.flash.flash-success")).to_contain_text("已记录：凭证号 PZ-BR-1")
    expect(page.locator("#payment-confirm")).to_have_count(0)

    fill_payment(page, "2024-12-20", "PZ-BR-2", "1,000.00", "年底补发")
    page.locator("#add-payment").click()
    expect(page.locator("#form-errors")).to_contain_text("未保存：")
    expect(page.locator("#form-errors")).to_contain_text("核实无误的，勾选“我已核实，仍要保存”后再保存")
    expect(page.locator(".payment-form .field-errors")).to_have_text(
        "这笔支出后累计支付 149,400.00 元，超过预算 148,400.00 元（100.67%），请确认后再保存"
    )
    for field, typed in (("#date", "2024-12-20"), ("#voucher_no", "PZ-BR-2"), ("#amount_yuan", "1,000.00")):
        expect(page.locator(field)).to_have_value(typed)
    expect(page.locator("#note")).to_have_value("年底补发")
    box = page.locator("#payment-confirm")
    expect(box).to_contain_text("我已核实，仍要保存")
    expect(page.locator("#confirmed")).not_to_be_checked()
    shoot(page, "payments-01-over-budget-refused")

    page.locator("#confirmed").check()
    page.locator("#save-payment").click()
    expect(page.locator("p.flash.flash-success")).to_contain_text("已记录：凭证号 PZ-BR-2，1,000.00 元")
    row = page.locator("#payment-table tbody tr", has_text="PZ-BR-2")
    mark = row.locator(".mark-over-budget")
    expect(mark).to_have_text("超预算")
    expect(mark).to_have_attribute("title", "保存这笔支出后累计支付超过项目预算，录入人已核实确认")
    expect(page.locator("#payment-table tbody tr", has_text="PZ-BR-1").locator(".mark")).to_have_count(0)
    page.locator("#payments").scroll_into_view_if_needed()
    shoot(page, "payments-02-marked-in-the-list")

    # deleting asks first, and wants a reason
    row.get_by_role("link", name="更正/删除").click()
    page.locator("#delete-payment").click()
    assert page.dialogs[-1] == "删除后不能恢复，确定删除凭证号 PZ-BR-2 的支付记录吗？"
    expect(page.locator("#delete-payment-form .field-errors")).to_have_text("请填写删除原因")
    shoot(page, "payments-03-delete-needs-a-reason")
    page.locator("#delete-reason").fill("年底补发已并入下年度")
    page.locator("#delete-payment").click()
    expect(page.locator("p.flash.flash-success")).to_contain_text("已删除凭证号 PZ-BR-2 的支付记录")
    expect(page.locator("#payment-table tbody tr", has_text="PZ-BR-2")).to_have_count(0)
