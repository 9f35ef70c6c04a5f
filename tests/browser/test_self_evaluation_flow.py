"""A year-end self-evaluation in a real browser: actual values, the owner's form, a refused
submission, submission, and the reviewer's sign-off that locks it.

The sample project 13020724P00X4BL10005W (预算 28.00 万元, no payments in the live database)
belongs to the demo owner's unit; its 8 indicators weigh 12.50 × 4, 10.00 × 3 and 10.00.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

PROJECT_URL = "/projects/2024/13020724P00X4BL10005W"
#: (row on the actuals page, value). Row 7 is the 定性 长期使用性.
ACTUALS = [(0, "60%"), (1, "90%"), (2, "95%"), (3, "27.5万元"), (4, "96%"), (5, "98%"), (6, "平台全年使用"), (7, "99%")]
QUALITATIVE_ROW = 6


def test_owner_fills_and_submits_reviewer_signs_off(page, shoot):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    page.locator("#project-actuals-link").click()
    expect(page.locator("h1")).to_have_text("实际完成值")
    for row, value in ACTUALS:
        page.locator(f"#rows-{row}-value").fill(value)
    page.locator("#save-actuals").click()
    expect(page.locator("p.flash.flash-success")).to_have_text("已保存 8 项实际完成值")

    page.goto(PROJECT_URL)
    page.locator("#self-evaluation-link").click()
    expect(page.locator("#evaluation-status")).to_have_text("填报中")
    # 提供材料比例 60% against ≥40% is 150%: a reason is required before submission
    expect(page.locator("#problems")).to_contain_text(
        "第1行“提供材料比例”实际完成值偏离年度指标值较大（完成率150.00%）"
    )
    page.locator(f"#rows-{QUALITATIVE_ROW}-band").select_option("achieved")
    page.locator(f"#rows-{QUALITATIVE_ROW}-band_score").fill("9")
    page.locator("#outcome").fill("平台全年稳定运行，网上审批全面推行。")
    page.locator("#save-evaluation").click()
    expect(page.locator("p.flash.flash-success")).to_have_text("绩效自评已保存")
    page.locator("#submit-evaluation").click()
    expect(page.locator("p.flash.flash-error").first).to_contain_text("绩效自评还不能提交")
    expect(page.locator("#evaluation-status")).to_have_text("填报中")

    page.locator("#rows-0-reason").fill("材料清单扩充，目标偏低，下年度调整为≥55%。")
    page.locator("#save-evaluation").click()
    expect(page.locator("#problems")).to_have_count(0)
    # no payments: 0 of 10 for execution; 80 + 9 for the indicators -> 89.00, and a red 自评预警
    expect(page.locator("#total-score")).to_have_text("89.00")
    shoot(page, "selfeval-01-owner-ready")
    page.locator("#submit-evaluation").click()
    expect(page.locator("#evaluation-status")).to_have_text("待审核")
    expect(page.locator("#evaluation-form")).to_have_count(0)
    sign_out(page)

    sign_in(page, "reviewer")
    page.goto(PROJECT_URL)
    page.locator("#self-evaluation-link").click()
    page.locator("#comment").fill("同意")
    page.locator("#sign-evaluation").click()
    expect(page.locator("p.flash.flash-success")).to_have_text("绩效自评已审核通过并锁定")
    assert "审核通过后绩效自评和实际完成值将锁定" in page.dialogs[-1]
    expect(page.locator("#evaluation-status")).to_have_text("已审核")
    expect(page.locator("#versions tbody tr")).to_have_count(2)
    expect(page.locator(f"#row-{QUALITATIVE_ROW + 1} td").nth(6)).to_have_text("达成年度指标（9.00）")
    expect(page.locator("#reopen-form")).to_be_visible()
    shoot(page, "selfeval-02-reviewer-signed")
