"""The 绩效目标表 on paper and as Excel, from the project page in the real browser; perf's icon."""

import re
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

# a project no other browser test changes
PROJECT_URL = "/projects/2024/13020724P00X4BL10005W"


def test_printing_shows_only_the_table(page, shoot, screenshot_dir):
    sign_in(page, "owner")
    page.goto(PROJECT_URL)
    shoot(page, "print-01-project-page-screen")
    page.evaluate("() => { window.printCalls = []; window.print = () => window.printCalls.push('print'); }")
    page.locator("#print-button").click()  # the 打印 button asks the browser to print
    assert page.evaluate("window.printCalls") == ["print"]

    page.emulate_media(media="print")
    for hidden in (".topbar", "#nav-todo", ".crumbs", ".toolbar", "#print-button", "#edit-link", "#payments"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#workflow")).to_be_hidden()
    expect(page.locator("#review-findings")).to_be_hidden()
    assert page.locator("form").count() > 0  # the owner's forms are still in the page …
    assert page.locator("form:visible").count() == 0  # … but no form, button or panel on paper
    assert page.locator("button:visible, .button:visible, .panel:visible").count() == 0
    expect(page.locator("h1")).to_have_text("“互联网+政务服务”行政审批网络维护费绩效目标表")
    expect(page.locator("#target-table")).to_be_visible()
    expect(page.locator("#target-table")).to_contain_text("资金支出计划（%）")
    expect(page.locator("#indicator-table")).to_be_visible()
    expect(page.locator("#indicator-table tbody tr")).to_have_count(8)
    expect(page.locator("#indicator-table .parsed").first).to_be_hidden()  # perf's reading stays on screen
    shoot(page, "print-02-project-page-print-media")

    pdf = screenshot_dir / "print-03-target-table.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=False)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert 1 <= len(re.findall(rb"/Type\s*/Page[^s]", data)) <= 2  # the table, not the panels below it


def test_the_excel_link_downloads_the_table(page):
    sign_in(page, "reviewer")
    page.goto(PROJECT_URL)
    with page.expect_download() as event:
        page.locator("#xlsx-link").click()
    download = event.value
    assert download.suggested_filename == "13020724P00X4BL10005W-绩效目标表-2024.xlsx"
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes())).active
    assert sheet["A1"].value == "“互联网+政务服务”行政审批网络维护费绩效目标表"
    assert sheet["C13"].value == "提供材料比例"


def test_every_page_names_perfs_icon_and_the_browsers_default_request_finds_it(page):
    page.goto("/login")
    href = page.locator("link[rel=icon]").get_attribute("href")
    for url in (href, "/favicon.ico"):
        response = page.request.get(url)
        assert response.status == 200, url
        assert response.body()[:4] == b"\x00\x00\x01\x00", url  # an ICO file
