"""Steps that cannot simply be undone ask first; saying no sends nothing."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# a project no other browser test touches
PROJECT_URL = "/projects/2024/13020724P00P8L210007E"


def test_declining_the_confirmation_sends_nothing(page):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    page.locator("textarea[name=comment]").first.fill("预算调整")
    page.locator("#adjust-button").click()  # 申请调整 needs a reason and only reopens a draft: no question
    expect(page.locator("#submit-button")).to_be_visible()
    assert page.dialogs == []
    page.accept_dialogs = False
    page.locator("#submit-button").click()
    assert page.dialogs == ["提交后在审核期间不能修改，确定提交审核吗？"]
    page.reload()
    expect(page.locator("#submit-button")).to_be_visible()  # still a draft: nothing was sent
    page.accept_dialogs = True
    page.locator("#submit-button").click()
    expect(page.locator("#withdraw-button")).to_be_visible()
    # the owner takes the submission back before the reviewer acts on it
    page.locator("#withdraw-button").click()
    expect(page.locator("p.flash.flash-success")).to_have_text("已撤回，项目回到草稿状态")
    expect(page.locator("#submit-button")).to_be_visible()
    assert page.dialogs[-1] == "确定撤回提交吗？"
