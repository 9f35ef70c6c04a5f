"""The 绩效目标表 form in the real browser: a refused save keeps what was typed and says what
is wrong in Chinese, and every row button can be clicked."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

CODE = "13020724P00BROWSER02"


def test_a_bad_total_keeps_the_input_and_shows_the_error_at_the_field(page, shoot):
    sign_in(page, "owner")
    page.goto("/projects/new")
    page.locator("#code").fill(CODE)
    page.locator("#name").fill("资金对不上的项目")
    page.locator("#total").fill("10.00")
    page.locator("#fiscal").fill("8.00")
    page.locator("#other").fill("1.00")  # 8 + 1 ≠ 10
    for box, percent in zip(page.locator("tr.plan input").all(), ("20", "50", "80", "100"), strict=True):
        box.fill(percent)
    page.locator("#add-row").click()
    row = page.locator("#indicator-rows tbody tr.indicator-row").first
    row.locator("select.level1").select_option("产出指标")
    row.locator("select.level2").select_option("数量指标")
    row.locator("input.value").fill("≥200人")  # before the name: see fill_row in test_target_flow.py
    row.locator("input.name").fill("培训人数")

    page.locator("#save-button").click()
    expect(page).to_have_url(re.compile(r"/projects/new"))
    expect(page.locator("#form-errors")).to_contain_text("未保存：1 处问题")
    message = "财政资金 8.00 万元 + 其他资金 1.00 万元 ≠ 预算数 10.00 万元"
    total = page.locator("#total")
    expect(total).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#total + ul.field-errors")).to_have_text(message)
    shoot(page, "10-owner-form-error-kept-input")

    # What was typed is still there.
    expect(page.locator("#code")).to_have_value(CODE)
    expect(page.locator("#name")).to_have_value("资金对不上的项目")
    expect(total).to_have_value("10.00")
    expect(page.locator("#other")).to_have_value("1.00")
    expect(page.locator("tr.plan input").nth(3)).to_have_value("100")
    row = page.locator("#indicator-rows tbody tr.indicator-row").first
    expect(row.locator("select.level1")).to_have_value("产出指标")
    expect(row.locator("select.level2")).to_have_value("数量指标")
    expect(row.locator("input.name")).to_have_value("培训人数")
    expect(row.locator("input.value")).to_have_value("≥200人")

    # Nothing was saved.
    page.locator("#nav-queue").click()
    expect(page.locator("h1")).to_have_text("我的项目")
    expect(page.locator("body")).not_to_contain_text(CODE)


def covering_element(button) -> str | None:
    """What the pointer hits at the middle of ``button``: None if the button itself, else a tag."""
    return button.evaluate(
        """button => {
            const box = button.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            if (hit === button || button.contains(hit)) return null;
            return hit ? hit.outerHTML.slice(0, 80) : "nothing";
        }"""
    )


def test_every_row_button_can_be_clicked(page, shoot):
    sign_in(page, "owner")
    page.goto("/projects/new")
    for _ in range(3):
        page.locator("#add-row").click()
    rows = page.locator("#indicator-rows tbody tr.indicator-row")
    expect(rows).to_have_count(3)
    names = ["甲", "乙", "丙"]
    for row, name in zip(rows.all(), names, strict=True):
        row.locator("input.name").fill(name)
    shoot(page, "11-owner-row-buttons")

    covered = {kind: covering_element(rows.nth(1).locator(f".{kind}")) for kind in ("up", "down", "remove")}
    assert covered == {"up": None, "down": None, "remove": None}, (
        "a row button is covered by another element and cannot be clicked "
        f"(perf/static/css/perf.css: td.move is 34px wide in a table-layout: fixed table): {covered}"
    )
    rows.nth(0).locator(".down").click()
    assert [field.input_value() for field in rows.locator("input.name").all()] == ["乙", "甲", "丙"]
    rows.nth(2).locator(".remove").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("input.name")).to_have_attribute("name", "indicators-1-name")
