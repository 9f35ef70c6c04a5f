"""系统设置 in the real browser: the admin finds it in the top bar, previews stricter lag rules (nothing is
saved), and a refused save shows the one banner and keeps what was typed. Writes nothing to the shared sample."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_the_admin_previews_rules_and_a_refused_save_keeps_the_typing(page, live_server, shoot):
    sign_in(page, "admin")
    page.get_by_role("link", name="系统设置").click()
    expect(page.locator("h1")).to_have_text("系统设置")
    expect(page.locator("#row-reminder_days .setting-source")).to_have_text("默认")
    page.locator("input[name=lag-1-threshold]").fill("90")
    page.locator("select[name=lag-1-level]").select_option("yellow")  # nothing is paid in the sample: red -> yellow
    page.locator("#as_of").fill("2024-07-01")
    page.locator("#preview-button").click()
    expect(page.locator("#preview")).to_contain_text("预览：2024-07-01（2024 年度）的灯色")
    # the unpaid projects go 红灯 → 黄灯 and nothing else changes (other browser stories on the shared live
    # server may have paid some of the sample's projects, so which ones is theirs to say)
    changed = page.locator("#preview-changed tbody tr")
    expect(changed.first).to_be_visible()
    assert changed.count() >= 1
    for row in changed.all():
        expect(row).to_contain_text("红灯黄灯")
    expect(page.locator("input[name=lag-1-threshold]")).to_have_value("90")
    shoot(page, "settings-preview")
    page.locator("#reminder_days").fill("0")
    page.locator("#midyear_round").fill("02-30")
    page.locator("#save-settings").click()
    expect(page.locator("#form-errors")).to_contain_text("未保存：2 处问题")
    expect(page.locator("#reminder_days")).to_have_value("0")
    expect(page.locator("#midyear_round")).to_have_value("02-30")
    expect(page.locator("input[name=lag-1-threshold]")).to_have_value("90")
    shoot(page, "settings-refused")
    page.goto("/settings")
    expect(page.locator("input[name=lag-1-threshold]")).to_have_value("60")  # nothing was saved
