"""Batch 批复 on 待审核 in the real browser: tick, confirm, one refused table approves none (its reason named,
the ticks kept), then the rest go through in one go."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from perf.auth.models import User
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.services import create_project
from perf.review.workflow import TARGET
from perf.workflow.engine import take
from tests.browser.conftest import sign_in, sign_out
from tests.factories import target_table

CODES = ["13020724P00BATCH0001", "13020724P00BATCH0002", "13020724P00BATCH0003"]


def _owner_and_year():
    owner = db.session.scalar(sa.select(User).where(User.username == "owner"))
    sample = db.session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    return owner, sample.budget_year


@pytest.fixture
def waiting(live_app, live_server):
    """Three tables of the owner's unit submitted for review, straight into the live server's database."""
    with live_app.app_context():
        owner, year = _owner_and_year()
        for i, code in enumerate(CODES):
            project = create_project(year, owner.units[0], target_table(code, f"批量批复项目{i + 1}"), actor="owner")
            take(TARGET, "submit", project, owner)
        db.session.commit()
    return CODES


def _withdraw(live_app, code: str) -> None:
    """The owner takes one submission back while the reviewer has the list open."""
    with live_app.app_context():
        owner, _ = _owner_and_year()
        take(TARGET, "withdraw", db.session.scalar(sa.select(Project).where(Project.code == code)), owner)
        db.session.commit()


def _statuses(live_app) -> list[str]:
    with live_app.app_context():
        query = sa.select(Project.status).where(Project.code.in_(CODES)).order_by(Project.code)
        return list(db.session.scalars(query))


def test_batch_approve_all_or_nothing(page, live_app, waiting, shoot):
    sign_in(page, "reviewer")
    page.goto("/queue?q=批量批复")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#filter-q")).to_have_value("批量批复")  # the filter stays filled in
    expect(page.locator("#pager")).to_contain_text("第 1 页，共 3 条")
    for code in CODES:
        page.locator(f'tr[data-project="{code}"] input[name=project_id]').check()
    page.locator("#batch-comment").fill("目标明确，同意批复")
    shoot(page, "batch-approve-1-ticked")

    _withdraw(live_app, CODES[1])
    page.locator("#batch-approve-button").click()
    assert page.dialogs[-1] == "确定批复所选的绩效目标表吗？批复后项目将锁定。"
    refused = page.locator("p.flash.flash-error")
    expect(refused.first).to_contain_text("所选 3 个绩效目标表均未批复")
    expect(refused.nth(1)).to_contain_text(f"{CODES[1]} 批量批复项目2：项目当前为“草稿”，不能批复")
    assert _statuses(live_app) == ["submitted", "draft", "submitted"]  # nothing approved
    for code in (CODES[0], CODES[2]):
        expect(page.locator(f'tr[data-project="{code}"] input[name=project_id]')).to_be_checked()
    expect(page.locator("#batch-comment")).to_have_value("目标明确，同意批复")
    expect(page.locator("#filter-q")).to_have_value("批量批复")
    shoot(page, "batch-approve-2-refused")

    page.accept_dialogs = False  # saying no sends nothing
    page.locator("#batch-approve-button").click()
    assert _statuses(live_app) == ["submitted", "draft", "submitted"]

    page.accept_dialogs = True
    expect(page.locator(f'tr[data-project="{CODES[1]}"]')).to_have_count(0)  # a draft again: not waiting any more
    page.locator("#batch-approve-button").click()
    expect(page.locator("p.flash.flash-success")).to_have_text("已批复 2 个绩效目标表")
    assert _statuses(live_app) == ["approved", "draft", "approved"]
    expect(page).to_have_url(re.compile(r"/queue\?q="))  # back to the same filtered list
    expect(page.locator("#queue")).to_have_count(0)  # nothing of the search waits any more
    shoot(page, "batch-approve-3-done")

    page.goto("/queue?q=批量批复&status=")
    expect(page.locator(f'tr[data-project="{CODES[0]}"] .status')).to_have_text("已批复")
    shoot(page, "batch-approve-4-all-statuses")


RETURNED = "13020724P00BATCH0009"
COMMENT = "成本指标请细化到培训期数，并补充每期参训人数和人均费用的测算依据"


@pytest.fixture
def returned(live_app, live_server):
    """A table the reviewer returned with a long comment."""
    with live_app.app_context():
        owner, year = _owner_and_year()
        reviewer = db.session.scalar(sa.select(User).where(User.username == "reviewer"))
        project = create_project(year, owner.units[0], target_table(RETURNED, "退回示例项目"), actor="owner")
        take(TARGET, "submit", project, owner)
        take(TARGET, "return", project, reviewer, COMMENT)
        db.session.commit()
        return project.id


def test_the_lists_show_returned_filters_and_pagers(page, returned, shoot):
    sign_in(page, "owner")
    page.goto("/queue?q=退回示例")
    cell = page.locator(f'tr[data-project="{RETURNED}"] .status-cell')
    expect(cell.locator(".status")).to_have_text("已退回")
    expect(cell.locator(".returned-comment")).to_have_attribute("title", re.compile(re.escape(COMMENT)))
    expect(cell.locator(".returned-comment")).to_have_text(COMMENT[:23] + "…")
    shoot(page, "lists-owner-queue-returned")
    page.goto("/departments/306/2024")
    expect(page.locator("#projects tr", has_text=RETURNED).locator(".status")).to_have_text("已退回")
    shoot(page, "lists-department-returned")
    page.goto("/")
    expect(page.locator("#filter-year")).to_have_value("2024")
    shoot(page, "lists-home")
    page.goto("/inbox?per_page=3")
    expect(page.locator("#pager")).to_contain_text("第 1 页")
    shoot(page, "lists-inbox")

    sign_out(page)
    sign_in(page, "reviewer")
    page.goto("/alerts")
    shoot(page, "lists-alerts")
    page.goto(f"/projects/{returned}/audit?from=2024-13-01")
    expect(page.locator("#filter-from-error")).to_have_text("日期应写成 2024-07-01 的格式")
    shoot(page, "lists-audit-bad-date")
    page.locator("#filter-actor").select_option(label="演示财务审核")
    page.locator("#filter-submit").click()
    expect(page.locator("#audit tbody tr")).to_have_count(1)
    expect(page.locator("#filter-actor")).to_have_value("reviewer")
    shoot(page, "lists-audit-by-person")

    sign_out(page)
    sign_in(page, "admin")
    page.goto("/admin/users?role=owner")
    expect(page.locator("#filter-role")).to_have_value("owner")
    shoot(page, "lists-users")
