"""Upload, check, confirm in the real browser, on a live server of its own (it writes payments).

The reviewer uploads the sample's payments as an XLSX with a title row and a 单位 line: the preview
says 新增 N 笔、未变 M 笔 and names the one row with a wrong date, with no 确认导入 button; the fixed
file previews clean, the reviewer confirms, and the department's 执行监控 shows the paid percent. An
owner of another unit uploading the same payments is refused row by row.
"""

import io
import logging
import threading
import uuid
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from perf import create_app
from perf.extensions import db
from perf.projects.queries import project_by_code
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.conftest import throwaway_database

pytestmark = pytest.mark.browser

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元
OTHER = "13020724P00000410001A"
DASHBOARD = "/departments/306/2024/dashboard?as_of=2024-07-01"
HEADER = ["项目编码", "支付日期", "金额（元）", "凭证号", "摘要"]


@pytest.fixture(scope="module")
def uploads_app(tmp_path_factory, sample_template):
    folder = tmp_path_factory.mktemp("uploads-db")
    with throwaway_database("perf_uploads", folder, template=sample_template.url) as url:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": True,
                "SECRET_KEY": f"uploads-{uuid.uuid4().hex}",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with app.app_context():  # one payment the treasury export holds already (未变)
            project = project_by_code(CODE, 2024)
            add_payment(project, PaymentData(CODE, date(2024, 3, 20), D("20000"), "GK-0001", note="一季度维护"), "cli")
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def uploads_server(uploads_app):
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, uploads_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="perf-uploads-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        werkzeug_log.setLevel(level)


@pytest.fixture
def desk(browser, uploads_server):
    """desk("reviewer") is a signed-in page of its own browser context; confirmations are accepted."""
    contexts = []
    expect.set_options(timeout=TIMEOUT_MS)

    def open_desk(username: str):
        ctx = browser.new_context(base_url=uploads_server, locale="zh-CN", viewport={"width": 1366, "height": 900})
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
        sign_in(page, username)
        return page

    yield open_desk
    for ctx in contexts:
        ctx.close()


def treasury_export(third_date) -> bytes:
    """The sample's payments as the treasury exports them: a title row, a 单位 line, the header, a 合计 row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["丰南区行政审批局 2024年国库集中支付明细"])
    sheet.append(["单位：元"])
    sheet.append(HEADER)
    sheet.append([CODE, date(2024, 3, 20), 20000, "GK-0001", "一季度维护"])
    sheet.append([CODE, date(2024, 6, 28), 64000, "GK-0002", "二季度维护"])
    sheet.append([OTHER, third_date, "12,345.60", "GK-0003", "办公设备"])
    sheet.append(["合计", None, 96345.6, None, None])
    for row in sheet.iter_rows(min_row=4, min_col=3, max_col=3):
        row[0].number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(page, data: bytes, name: str = "国库支付明细.xlsx") -> None:
    page.locator("#nav-imports").click()
    page.locator("#kind").select_option("payments")
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page.locator("#file").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.locator("#check-upload").click()
    page.wait_for_load_state()


def actual_pct(page, code: str) -> str:
    page.goto(DASHBOARD)
    return (
        page.locator("#dashboard tbody tr", has=page.locator("td.code", has_text=code))
        .locator("td.num")
        .nth(2)
        .inner_text()
    )


def test_reviewer_uploads_fixes_and_confirms_and_the_dashboard_changes(desk, shoot):
    reviewer = desk("reviewer")
    before = actual_pct(reviewer, CODE)
    assert before == "7.14"  # 20,000 of 280,000 元

    upload(reviewer, treasury_export("2024-02-30"))  # no 30 February
    expect(reviewer.locator("#import-summary")).to_contain_text("新增 1 笔、变更 0 笔、未变 1 笔")
    problems = reviewer.locator("#import-problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("第6行")
    expect(problems.first).to_contain_text("支付日期")
    expect(reviewer.locator("#apply-import")).to_have_count(0)
    shoot(reviewer, "uploads-01-preview-with-a-problem")

    upload(reviewer, treasury_export(date(2024, 2, 29)))
    expect(reviewer.locator("#import-summary")).to_contain_text("新增 2 笔、变更 0 笔、未变 1 笔")
    expect(reviewer.locator("#import-problems")).to_have_count(0)
    expect(reviewer.locator(f"#import-projects tr[data-code='{CODE}']")).to_contain_text(
        "凭证号 GK-0002：2024-06-28 支付 64,000.00 元"
    )
    shoot(reviewer, "uploads-02-preview-clean")
    reviewer.locator("#apply-import").click()
    reviewer.wait_for_load_state()
    expect(reviewer.locator(".flash-success")).to_contain_text("已导入：新增 2 笔")
    expect(reviewer.locator("#import-status")).to_have_text("已导入")
    assert reviewer.dialogs and "确定导入" in reviewer.dialogs[-1]

    assert actual_pct(reviewer, CODE) == "30.00"  # (20,000 + 64,000) of 280,000 元
    reviewer.goto("/imports")
    expect(reviewer.locator("#import-records tbody tr")).to_have_count(2)


def test_an_owner_uploading_another_units_payments_is_refused_by_row(desk, shoot):
    owner2 = desk("owner2")
    upload(owner2, treasury_export(date(2024, 2, 29)))
    problems = owner2.locator("#import-problems tbody tr")
    expect(problems).to_have_count(3)
    for line in (4, 5, 6):
        expect(problems.nth(line - 4)).to_contain_text(f"第{line}行")
    expect(problems.first).to_contain_text(f"无权导入项目 {CODE} 的支付记录（不是本单位的项目）")
    expect(owner2.locator("#apply-import")).to_have_count(0)
    shoot(owner2, "uploads-03-owner-refused-by-row")


def test_an_upload_over_the_limit_gets_a_chinese_page_not_a_reset(desk, uploads_app, shoot):
    reviewer = desk("reviewer")
    reviewer.locator("#nav-imports").click()
    expect(reviewer.locator("#template-payments")).to_be_visible()
    shoot(reviewer, "uploads-00-upload-page")
    uploads_app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    try:
        upload(reviewer, b"x" * (1024 * 1024), name="太大的文件.csv")
        expect(reviewer.locator("h1")).to_contain_text("上传的文件过大：最大 0.25 MB")
        shoot(reviewer, "uploads-04-too-large")
    finally:
        uploads_app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
