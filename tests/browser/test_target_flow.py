"""One 绩效目标表 from draft to approval, across the roles, in a real browser.

The steps are ordered tests sharing the live server and a ``story`` (the project's page and
id): a) the owner fills the table, b) a finding blocks submission, c) the owner fixes it
and submits, d) the reviewer returns it with a comment, e) the owner reads the comment,
changes the table and resubmits, f) the reviewer approves, g) the approved table is locked.
Each step signs in afresh (a new browser context per test) and fails on its own assertion;
a step whose predecessor failed fails at once, saying so.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

CODE = "13020724P00BROWSER01"
NAME = "浏览器测试业务培训项目"

#: (一级, 二级, 三级, 指标值, how perf reads it) as the owner first types them. The sixth
#: row is deliberately filed under 效益指标, so the table has no 满意度指标 (missing-level1).
ROWS = [
    ("产出指标", "数量指标", "培训人数", "≥200人", "定量 · ≥ 200 人 · 正向"),
    ("产出指标", "质量指标", "培训合格率", "≥95%", "定量 · ≥ 95 % · 正向"),
    ("产出指标", "时效指标", "按期完成率", "100%", "定量 · 100 % · 正向"),
    ("产出指标", "成本指标", "培训成本", "≤10万元", "定量 · ≤ 10 万元 · 反向"),
    ("效益指标", "社会效益指标", "业务能力提升", "有效提升", "定性"),
    ("效益指标", "可持续影响指标", "学员满意度", "≥90%", "定量 · ≥ 90 % · 正向"),
]
NAMES = [row[2] for row in ROWS]
FIXED_SIXTH = ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "定量 · ≥ 90 % · 正向")
RETURN_COMMENT = "成本指标请细化"


class Story(dict):
    """What the steps hand on; a missing entry means an earlier step failed."""

    def need(self, key: str):
        if key not in self:
            pytest.fail(f"an earlier step of the story failed: no {key!r} to go on from", pytrace=False)
        return self[key]


@pytest.fixture(scope="module")
def story() -> Story:
    return Story()


# Page helpers ------------------------------------------------------------------------------


def rows_of(page):
    return page.locator("#indicator-rows tbody tr.indicator-row")


def names_in_form(page) -> list[str]:
    return [field.input_value() for field in rows_of(page).locator("input.name").all()]


def names_in_table(page) -> list[str]:
    return [cell.inner_text().strip() for cell in page.locator("#indicator-table tbody tr td:nth-last-child(4)").all()]


def fill_row(row, level1, level2, name, value, label, *, type_value=False):
    """Fill one indicator row and wait for the live reading of its 指标值.

    The 指标值, 描述 and 确定依据 go in before the 三级 name: leaving the name field copies a
    matching 指标库 entry (built from earlier projects) into the row's empty fields, and if
    that lands while the value is being typed the two are concatenated ("≥200人≥200人").
    """
    row.locator("select.level1").select_option(level1)
    row.locator("select.level2").select_option(level2)
    value_input = row.locator("input.value")
    if type_value:  # key by key, as a person types: the reading follows the last key
        value_input.fill("")
        value_input.press_sequentially(value, delay=40)
    else:
        value_input.fill(value)
    expect(row.locator(".parsed")).to_have_text(label)
    row.locator("input[name$='-description']").fill(f"{name}（浏览器测试）")
    row.locator("input[name$='-basis']").fill("年度培训计划")
    row.locator("input.name").fill(name)
    row.locator("input.name").press("Tab")
    expect(value_input).to_have_value(value)


def flash(page, category: str):
    return page.locator(f"p.flash.flash-{category}")


def status(page):
    return page.locator("#project-status")


def open_project(page, story: Story) -> None:
    page.goto(story.need("url"))
    expect(page.locator("h1")).to_contain_text(NAME)


# The story ---------------------------------------------------------------------------------


def test_a_owner_fills_a_new_table(page, shoot, story):
    sign_in(page, "owner")
    page.locator("#nav-queue").click()
    expect(page.locator("h1")).to_have_text("我的项目")
    page.locator("#new-project").click()
    expect(page.locator("h1")).to_contain_text("新建绩效目标表")

    page.locator("#code").fill(CODE)
    page.locator("#name").fill(NAME)
    page.locator("#total").fill("10.00")
    page.locator("#fiscal").fill("8.00")
    page.locator("#other").fill("2.00")
    page.locator("#purpose").fill("用于全区审批业务人员培训的场地、师资和资料。")
    page.locator("#goal").fill("年内完成审批业务人员轮训，提升审批服务能力。")
    plan = page.locator("tr.plan input")
    expect(plan).to_have_count(4)
    for box, percent in zip(plan.all(), ("20", "50", "80", "100"), strict=True):
        box.fill(percent)

    for index, (level1, level2, name, value, label) in enumerate(ROWS):
        page.locator("#add-row").click()
        expect(rows_of(page)).to_have_count(index + 1)
        fill_row(rows_of(page).nth(index), level1, level2, name, value, label, type_value=index == 0)
    assert names_in_form(page) == NAMES

    # Move 培训人数 down below 培训合格率, then back up; the field names follow the shown order.
    rows_of(page).nth(0).locator(".down").click()
    assert names_in_form(page) == [NAMES[1], NAMES[0], *NAMES[2:]]
    expect(rows_of(page).nth(0).locator("input.name")).to_have_attribute("name", "indicators-0-name")
    expect(rows_of(page).nth(0).locator("input.name")).to_have_value("培训合格率")
    rows_of(page).nth(1).locator(".up").click()
    assert names_in_form(page) == NAMES
    expect(rows_of(page).nth(1).locator("input.name")).to_have_attribute("name", "indicators-1-name")
    expect(rows_of(page).nth(1).locator("input.name")).to_have_value("培训合格率")
    shoot(page, "01-owner-form-filled")

    page.locator("#save-button").click()
    expect(page).to_have_url(re.compile(rf"/projects/2024/{CODE}$"))
    expect(flash(page, "success")).to_contain_text("项目已保存为草稿")
    expect(status(page)).to_have_text("草稿")
    assert names_in_table(page) == NAMES
    href = page.locator("#edit-link").get_attribute("href")
    match = re.fullmatch(r"/projects/(\d+)/edit", href or "")
    assert match, f"unexpected edit link {href!r}"
    story["url"] = page.url
    story["id"] = int(match.group(1))


def test_b_a_finding_blocks_submission(page, shoot, story):
    sign_in(page, "owner")
    open_project(page, story)
    finding = page.locator('#review-findings li[data-rule="missing-level1"]')
    expect(finding).to_be_visible()
    expect(finding).to_contain_text("满意度指标")
    expect(finding.locator(".badge")).to_have_text("错误")
    shoot(page, "02-owner-finding-missing-level1")

    page.locator("#submit-button").click()
    expect(flash(page, "error").first).to_contain_text("目标审核发现错误，请修改后再提交")
    expect(status(page)).to_have_text("草稿")
    expect(page.locator("#submit-button")).to_be_visible()
    shoot(page, "03-owner-submit-refused")


def test_c_owner_fixes_the_table_and_submits(page, shoot, story):
    sign_in(page, "owner")
    open_project(page, story)
    page.locator("#edit-link").click()
    expect(page.locator("h1")).to_contain_text("编辑绩效目标表")
    expect(rows_of(page)).to_have_count(len(ROWS))
    sixth = rows_of(page).nth(5)
    # The edit form must show the row as it was saved before it is changed.
    expect(sixth.locator("select.level1")).to_have_value("效益指标")
    expect(sixth.locator("select.level2")).to_have_value("可持续影响指标")
    expect(sixth.locator("input.name")).to_have_value("学员满意度")
    fill_row(sixth, *FIXED_SIXTH)
    page.locator("#save-button").click()
    expect(flash(page, "success")).to_contain_text("修改已保存")
    expect(page.locator('#review-findings li[data-rule="missing-level1"]')).to_have_count(0)
    expect(page.locator("#review-findings li.finding-error")).to_have_count(0)
    expect(page.locator("#indicator-table")).to_contain_text("服务对象满意度指标")

    page.locator("#submit-button").click()
    expect(flash(page, "success")).to_contain_text("已提交审核")
    expect(status(page)).to_have_text("已提交")
    expect(page.locator("#edit-link")).to_have_count(0)
    shoot(page, "04-owner-submitted")
    sign_out(page)
    story["submitted"] = True


def test_d_reviewer_returns_it_with_a_comment(page, shoot, story):
    story.need("submitted")
    sign_in(page, "reviewer")
    page.locator("#nav-queue").click()
    expect(page.locator("h1")).to_have_text("待审核")
    entry = page.locator("#queue tbody tr", has_text=CODE)
    expect(entry).to_have_count(1)
    expect(entry.locator(".status")).to_have_text("已提交")
    entry.get_by_role("link", name=NAME).click()
    expect(status(page)).to_have_text("已提交")

    page.locator("#return-button").click()  # no comment
    expect(page.locator("#review-form .form-banner")).to_contain_text("未保存：1 处问题")
    expect(page.locator("#review-form .field-errors")).to_contain_text("退回时必须填写审核意见")
    expect(status(page)).to_have_text("已提交")
    shoot(page, "05-reviewer-return-refused")

    page.locator("#review-comment").fill(RETURN_COMMENT)
    page.locator("#return-button").click()
    expect(flash(page, "success")).to_contain_text("已退回项目负责人修改")
    expect(status(page)).to_have_text("已退回")
    expect(page.locator("#history")).to_contain_text(RETURN_COMMENT)
    shoot(page, "06-reviewer-returned")
    story["returned"] = True


def test_e_owner_reads_the_comment_changes_and_resubmits(page, shoot, story):
    story.need("returned")
    sign_in(page, "owner")
    open_project(page, story)
    # a returned table says so at the top, with the reviewer's comment
    expect(status(page)).to_have_text("已退回")
    expect(page.locator("#returned-banner")).to_contain_text(f"已退回修改：{RETURN_COMMENT}")
    shoot(page, "06b-owner-sees-returned")
    returned = page.locator("#history li", has_text=RETURN_COMMENT)
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("演示财务审核")

    page.locator("#edit-link").click()
    cost = rows_of(page).filter(has=page.locator("input.name[value='培训成本']"))
    expect(cost).to_have_count(1)
    cost.locator("input.value").fill("≤9.5万元")
    expect(cost.locator(".parsed")).to_have_text("定量 · ≤ 9.5 万元 · 反向")
    page.locator("#save-button").click()
    expect(flash(page, "success")).to_contain_text("修改已保存")
    expect(page.locator("#indicator-table")).to_contain_text("≤9.5万元")

    page.locator("#submit-button").click()
    expect(status(page)).to_have_text("已提交")
    expect(page.locator("#history li")).to_have_count(3)  # submit, return, submit
    shoot(page, "07-owner-resubmitted")
    story["resubmitted"] = True


def test_f_reviewer_approves(page, shoot, story):
    story.need("resubmitted")
    sign_in(page, "reviewer")
    open_project(page, story)
    expect(status(page)).to_have_text("已提交")
    page.locator("#review-comment").fill("同意。")
    page.locator("#approve-button").click()
    expect(flash(page, "success")).to_contain_text("已批复，项目已锁定")
    assert page.dialogs[-1] == "批复后绩效目标表将锁定，确定批复吗？"  # asked before it was sent
    expect(status(page)).to_have_text("已批复")
    expect(page.locator("#approve-button")).to_have_count(0)
    shoot(page, "08-reviewer-approved")
    story["approved"] = True


def test_g_an_approved_table_is_locked(page, shoot, story):
    story.need("approved")
    sign_in(page, "owner")
    open_project(page, story)
    expect(status(page)).to_have_text("已批复")
    expect(page.locator("#edit-link")).to_have_count(0)
    expect(page.locator("#submit-button")).to_have_count(0)

    page.goto(f"/projects/{story.need('id')}/edit")
    expect(page).to_have_url(story.need("url"))
    expect(flash(page, "error")).to_contain_text("不能直接修改")

    adjust = page.locator("#adjust-button")
    expect(adjust).to_be_visible()
    adjust.click()  # no reason: refused at the form, with its one banner
    expect(page.locator("#adjust-form .form-banner")).to_contain_text("未保存：1 处问题")
    expect(page.locator("#adjust-form .field-errors")).not_to_be_empty()
    expect(status(page)).to_have_text("已批复")
    shoot(page, "09-owner-approved-locked")


def test_the_project_page_title_is_the_project_name(page, story):
    """The browser tab shows the project's name, not the review panel's markup."""
    sign_in(page, "owner")
    open_project(page, story)
    title = page.title()
    assert title == f"{NAME} · perf", (
        "templates/projects/project.html puts {% include 'review/_panel.html' %} inside {% block title %}, "
        f"so <title> holds the panel's HTML as text ({len(title)} characters): {title[:120]!r}…"
    )
