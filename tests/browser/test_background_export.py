"""The reviewer exports every self-evaluation as one PDF in the background: a progress bar, then the file."""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import sign_in
from tests.evaluation.test_reports import needs_pdf, pdf_ready  # noqa: F401  (the fixture behind needs_pdf)

pytestmark = [pytest.mark.browser, needs_pdf]


def test_the_reviewer_exports_all_self_evaluations_as_pdf(page, live_server, shoot):
    sign_in(page, "reviewer")
    page.goto("/departments/306/2024")
    projects = page.locator("table tbody tr").filter(has=page.locator("a[href^='/projects/2024/']")).count()
    assert projects == 7
    seen = []  # every answer of the job page's poller: (status, done, total)

    def polled(response):
        if response.url.endswith("/status"):
            body = response.json()
            seen.append((body["status"], body["done"], body["total"]))

    page.on("response", polled)
    shoot(page, "jobs-00-department-exports")
    page.locator("#export-self-evaluations-pdf").click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(page.locator("h1")).to_have_text("部门 306 2024年 全部项目绩效自评表（PDF）")
    bar = page.locator("#job-bar")
    expect(bar).to_be_visible()
    shoot(page, "jobs-01-progress-bar")
    # the bar moves as the worker reports each project, then the page offers the file
    expect(page.locator("#job-status")).to_have_text("完成", timeout=120_000)
    # what the bar was told as it went: statuses in order, progress never going back, ending at every project
    # (the poll that says 完成 may go unseen: the page reloads at once and drops that answer's body)
    assert seen and all(total in (0, projects) for _, _, total in seen) and seen[-1][1] <= projects
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)
    order = ["queued", "running", "done"]
    assert [order.index(status) for status, _, _ in seen] == sorted(order.index(status) for status, _, _ in seen)
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#job-count")).to_have_text(f"已完成 {projects} / {projects}")
    shoot(page, "jobs-02-done")
    with page.expect_download() as info:
        page.locator("#job-download").click()
    download = info.value
    assert download.suggested_filename == "306-项目支出绩效自评表-2024-全部项目.pdf"
    assert len(PdfReader(download.path()).pages) == projects
    # the job is listed under 我的任务; another user cannot open it
    page.locator("#nav-jobs").click()
    expect(page.locator("#jobs tbody tr").first).to_contain_text("完成")


def test_an_export_with_nothing_to_export_says_why(page, live_server, shoot):
    sign_in(page, "owner2")  # their unit holds none of the sample's projects
    page.goto("/departments/306/2024")
    page.locator("#export-midyear").click()
    expect(page.locator("#job-status")).to_have_text("失败", timeout=60_000)
    expect(page.locator("#job-error")).to_have_text("任务失败：2024 年度该部门没有您可以导出的项目。")
    expect(page.locator("#job-download")).to_have_count(0)
    shoot(page, "jobs-03-failed")


def test_the_reviewer_starts_a_scan_from_the_dashboard(page, live_server, shoot):
    # before the first checkpoint and its reminder: the scan changes nothing the other stories meet
    sign_in(page, "reviewer")
    page.goto("/departments/306/2024/dashboard?as_of=2024-01-15")
    page.locator("#start-scan").click()
    expect(page.locator("h1")).to_have_text("执行进度扫描（截至 2024-01-15）")
    expect(page.locator("#job-status")).to_have_text("完成", timeout=60_000)
    expect(page.locator("#job-note")).to_have_text(
        "已扫描 2024 年度 7 个项目：新增预警 0 条，升级 0 条，已追上进度 0 条"
    )
    page.locator("#nav-jobs").click()
    expect(page.locator("#jobs tbody tr").first).to_contain_text("执行进度扫描（截至 2024-01-15）")
    shoot(page, "jobs-04-my-jobs")


def test_the_summary_downloads_run_as_jobs(page, live_server, shoot):
    sign_in(page, "reviewer")
    page.goto("/departments/306/2024/self-evaluations")
    shoot(page, "jobs-05-summary-downloads")
    page.get_by_role("button", name="下载 Excel").click()
    expect(page.locator("h1")).to_have_text("部门 306 2024年 项目支出绩效自评汇总表（Excel）")
    expect(page.locator("#job-status")).to_have_text("完成", timeout=60_000)
    with page.expect_download() as info:
        page.locator("#job-download").click()
    assert info.value.suggested_filename == "306-项目支出绩效自评汇总表-2024.xlsx"
