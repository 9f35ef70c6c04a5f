"""Every refused form, in the real browser: one banner "未保存：N 处问题", every field's message at
once, and every typed value still in its input; the self-evaluation's totals and band ranges
follow the typing before anything is sent."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# projects no other browser test touches (refused saves write nothing)
EVALUATION = "/projects/2024/13020724P00000410001A"
ACTUALS = "/projects/2024/13020724P00F484100083"
PAYMENTS = "/projects/2024/13020724P00EL6T100050"
MIDYEAR = "/projects/2024/13020724P00J22H100076"


def banner_says(page, problems: int, banner="#form-errors") -> None:
    expect(page.locator(banner)).to_be_visible()
    expect(page.locator(f"{banner} .banner-title")).to_have_text(f"未保存：{problems} 处问题")


def test_the_self_evaluation_shows_totals_and_ranges_as_typed_and_keeps_a_refused_save(page, shoot):
    sign_in(page, "owner")
    page.goto(EVALUATION)
    page.locator("#self-evaluation-link").click()
    rows = page.locator("tr.evaluation-row")
    qualitative = page.locator("tr.evaluation-row[data-kind=qualitative]")
    first, second = qualitative.nth(0), qualitative.nth(1)
    group = first.get_attribute("data-group")
    group_total = page.locator(f"tr.level1-total[data-group='{group}'] .group-weight")
    before = group_total.inner_text()
    expect(page.locator("#weight-total")).to_have_text("90.00")

    # live, without submitting: the band's range for the row's 分值, the totals of the weights
    first.locator("input.weight").fill("12")
    first.locator("select.band").select_option("partial")
    expect(first.locator(".eval-range")).to_have_text("可评分 7.20–9.60（不含上限9.60）")
    first.locator("select.band").select_option("achieved")
    expect(first.locator(".eval-range")).to_have_text("可评分 9.60–12.00（含12.00）")
    first.locator("input.band-score").fill("12.5")
    expect(first.locator(".eval-range")).to_contain_text("所填得分不在范围内")
    assert group_total.inner_text() != before
    expect(page.locator("#weight-check")).to_contain_text("应为90.00")
    first.locator("input.weight").fill("20")
    expect(first.locator(".eval-range")).to_contain_text("可评分 16.00–20.00（含20.00）")
    first.locator("input.band-score").fill("17")
    expect(first.locator(".eval-range")).to_have_text("可评分 16.00–20.00（含20.00）")
    expect(page.locator(f"tr.level1-total[data-group='{group}'] .group-score")).to_contain_text("17.00")

    # a save with three problems shows them all at once, and keeps everything typed
    rows.nth(0).locator("input.weight").fill("abc")  # not a number
    second.locator("select.band").select_option("missed")
    second.locator("input.band-score").fill("99")  # over the row's 分值, and outside the band
    page.locator("#full_year_budget").fill("很多")  # not a number
    page.locator("#outcome").fill("服务全年无中断。")
    page.locator("#save-evaluation").click()
    banner_says(page, 3)  # the schema's two and the service's band check, in one round
    expect(page.locator("#evaluation-form ul.field-errors li")).to_have_count(3)
    expect(rows.nth(0).locator("input.weight")).to_have_value("abc")
    expect(first.locator("input.weight")).to_have_value("20")
    expect(first.locator("input.band-score")).to_have_value("17")
    expect(second.locator("select.band")).to_have_value("missed")
    expect(second.locator("input.band-score")).to_have_value("99")
    expect(page.locator("#outcome")).to_have_value("服务全年无中断。")
    expect(page.locator("#full_year_budget")).to_have_value("很多")
    expect(first.locator(".eval-range")).to_have_text("可评分 16.00–20.00（含20.00）")  # live again on the refused page
    shoot(page, "forms-01-self-evaluation-refused")


def test_a_refused_payment_shows_every_problem_and_keeps_the_typing(page, shoot):
    sign_in(page, "owner")
    page.goto(PAYMENTS + "#payments")
    form = page.locator("#payments form").first
    form.locator("[name=date]").fill("2024-02-30")
    form.locator("[name=amount_yuan]").fill("98,000.123")
    form.locator("[name=note]").fill("上半年维护费")
    form.locator("[name=voucher_no]").fill("")
    form.locator("button[type=submit]").first.click()
    banner_says(page, 3)
    expect(page.locator("#payment-form ul.field-errors li")).to_have_count(3)
    for name, value in (("date", "2024-02-30"), ("amount_yuan", "98,000.123"), ("note", "上半年维护费")):
        expect(page.locator(f"#payment-form [name={name}]")).to_have_value(value)
    shoot(page, "forms-02-payment-refused")


def test_refused_actual_values_show_every_row_and_keep_the_typing(page, shoot):
    sign_in(page, "owner")
    page.goto(ACTUALS)
    if page.locator("#actuals-link").count():
        page.locator("#actuals-link").click()
    else:
        page.locator("#self-evaluation-link").click()
        page.locator("#actuals-link").click()
    page.wait_for_url("**/actuals*")
    values = page.locator("#actuals-table input[name$='-value']")
    expect(values.first).to_be_visible()  # .all() does not wait: the page must be there before it is read
    typed = ["很多人", "大约一半", "x%"]
    assert values.count() >= len(typed)
    for box, text in zip(values.all(), typed, strict=False):
        box.fill(text)
    page.locator("#save-actuals").click()
    count = int(page.locator("#form-errors").get_attribute("data-problems"))
    assert count >= 2
    banner_says(page, count)
    expect(page.locator("#actuals-table ul.field-errors li")).to_have_count(count)
    for box, text in zip(values.all(), typed, strict=False):
        expect(box).to_have_value(text)
    shoot(page, "forms-03-actuals-refused")


def test_a_refused_password_change_names_every_field_at_once(page, shoot):
    sign_in(page, "owner2")
    page.goto("/account")
    form = page.locator("#password-form")
    form.locator("#current_password").fill("not-my-password")
    form.locator("#new_password").fill("1234")
    form.locator("#confirm").fill("12345")
    form.get_by_role("button", name="修改密码").click()
    banner_says(page, 4, "#password-form-errors")  # wrong current; too short and all digits; not the same twice
    expect(page.locator("#password-form .field-error")).to_have_count(4)
    shoot(page, "forms-04-password-refused")


def test_a_refused_new_user_keeps_what_the_admin_typed(page, shoot):
    sign_in(page, "admin")
    page.goto("/admin/users/new")
    page.locator("#username").fill("李四")
    page.locator("#display_name").fill("李" * 101)
    page.locator("#email").fill("not-an-address")
    page.get_by_role("button", name="创建用户").click()
    banner_says(page, 5)  # user name, display name, e-mail, initial password, an owner's units
    expect(page.locator("#user-form .field-error")).to_have_count(5)
    expect(page.locator("#username")).to_have_value("李四")
    expect(page.locator("#email")).to_have_value("not-an-address")
    expect(page.locator("#display_name")).to_have_value("李" * 101)
    shoot(page, "forms-05-user-refused")


def test_an_empty_sign_in_names_both_fields(page, shoot):
    page.goto("/login")
    page.locator("#username").fill("")
    page.get_by_role("button", name="登录").click()
    banner_says(page, 2)
    expect(page.locator("#login-form .field-error")).to_have_count(2)
    shoot(page, "forms-06-login-refused")


def test_a_refused_nudge_keeps_the_selection_and_says_why(page, shoot):
    sign_in(page, "reviewer")
    page.goto("/")
    page.locator("a[href*='/departments/']").first.click()
    boxes = page.locator("#nudge-form input[name=project_id]")
    boxes.nth(1).check()
    page.locator("#nudge-message").fill("   ")
    page.locator("#nudge-button").click()
    banner_says(page, 1, "#nudge-form-errors")
    expect(page.locator("#nudge-panel ul.field-errors")).to_have_text("请填写催办内容")
    expect(boxes.nth(1)).to_be_checked()
    expect(boxes.nth(0)).not_to_be_checked()
    shoot(page, "forms-07-nudge-refused")


def test_a_refused_mid_year_round_shows_every_problem_and_keeps_every_row(page, shoot):
    """(Returning a table without a comment is refused at its form in tests/browser/test_target_flow.py.)"""
    sign_in(page, "owner")
    page.goto(MIDYEAR)
    page.locator("#midyear-link").click()
    rows = page.locator("#midyear-table tbody tr[data-indicator]")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("input[name$='-forecast']").fill("很高的比例")  # not a number or a text the row takes
    first.locator("select[name$='-likelihood']").select_option(index=1)
    second.locator("input[name$='-actual']").fill("12")  # filled, but no 全年预计 nor 可能性
    second.locator("textarea[name$='-measures']").fill("加快进度，按月调度")
    page.locator("#midyear-save").click()
    banner = page.locator("#form-errors")
    expect(banner).to_be_visible()
    problems = int(banner.get_attribute("data-problems"))
    assert problems >= 2
    expect(banner.locator(".banner-title")).to_have_text(f"未保存：{problems} 处问题")
    # every problem is shown at once, beside its cell
    expect(page.locator("#midyear-table .field-errors li")).to_have_count(problems)
    expect(first.locator("input[name$='-forecast']")).to_have_value("很高的比例")
    expect(second.locator("input[name$='-actual']")).to_have_value("12")
    expect(second.locator("textarea[name$='-measures']")).to_have_value("加快进度，按月调度")
    shoot(page, "forms-08-midyear-refused")


def test_a_refused_notice_setting_keeps_the_address_and_the_choices(page, shoot):
    sign_in(page, "owner2")
    page.goto("/account")
    form = page.locator("#notice-form")
    form.locator("#email").fill("zhang.county-finance")
    form.locator("#digest").check()
    form.get_by_role("button", name="保存设置").click()
    banner_says(page, 1, "#notice-form-errors")
    expect(form.locator(".field-error")).to_have_text("请输入有效的电子邮箱，例如 zhang@example.gov.cn")
    expect(form.locator("#email")).to_have_value("zhang.county-finance")
    expect(form.locator("#digest")).to_be_checked()
    shoot(page, "forms-09-notices-refused")
