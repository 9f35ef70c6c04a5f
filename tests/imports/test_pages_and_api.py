"""The 导入数据 page over the service: preview, confirm, problems without a confirm button, templates, 413."""

import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from perf.imports.models import ImportRecord
from perf.spending.models import Payment
from tests.imports.conftest import CODE, OTHER, xlsx

ROWS = [
    [CODE, date(2024, 6, 30), "90,000.00", "PZ001", "网络维护费"],
    [OTHER, "2024/3/1", 12345.67, "PZ001", "办公设备"],
]


def upload(client, kind, data, name="支付.xlsx"):
    return client.post(
        "/imports", data={"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_the_page_previews_then_confirms(client, login, users, session):
    login(users["reviewer"])
    response = upload(client, "payments", xlsx(ROWS))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "将新增 2 笔、变更 0 笔、未变 0 笔" in page
    assert "凭证号 PZ001：2024-06-30 支付 90,000.00 元" in page
    assert 'id="apply-import"' in page and "data-confirm" in page
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 0
    applied = client.post(response.headers["Location"] + "/apply")
    assert applied.status_code == 302
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 2
    listed = client.get("/imports").get_data(as_text=True)
    assert "导入记录" in listed and "支付.xlsx" in listed and "已导入" in listed


def test_a_file_with_problems_shows_them_and_no_confirm_button(client, login, users):
    login(users["reviewer"])
    rows = [*ROWS, [CODE, "2024-02-30", "5", "PZ009", "日期错"]]
    page = client.get(upload(client, "payments", xlsx(rows)).headers["Location"]).get_data(as_text=True)
    assert "第6行" in page and "支付日期" in page
    assert 'id="apply-import"' not in page


def test_a_refused_upload_keeps_the_page_with_the_reason(client, login, users):
    login(users["owner"])
    response = upload(client, "disclosure", b"x")
    assert response.status_code == 422
    assert "不是有效的选择" in response.get_data(as_text=True)  # an owner is not offered disclosures
    empty = client.post("/imports", data={"kind": "payments"}, content_type="multipart/form-data")
    assert empty.status_code == 422
    assert "请选择要导入的文件" in empty.get_data(as_text=True)


def test_templates_have_the_headers_and_one_example_row(client, login, users):
    login(users["owner"])
    response = client.get("/imports/templates/payments.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("项目编码", "支付日期", "金额（元）", "凭证号", "摘要")
    assert len(rows) == 2
    assert sheet["C2"].number_format == "#,##0.00"
    assert client.get("/imports/templates/actuals.xlsx").status_code == 200
    assert client.get("/imports/templates/disclosure.xlsx").status_code == 404


def test_a_template_imports_as_it_is(client, login, users, session):
    login(users["owner"])
    template = client.get("/imports/templates/payments.xlsx").data
    record_id = int(upload(client, "payments", template).headers["Location"].rsplit("/", 1)[1])
    record = session.get(ImportRecord, record_id)
    assert record.problems == [] and record.summary["new"] == 1


def test_an_upload_over_the_limit_gets_a_chinese_page(app, client, login, users):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        login(users["reviewer"])
        page = upload(client, "payments", b"x" * 4096)
        assert page.status_code == 413
        assert "上传的文件过大：最大 0" in page.get_data(as_text=True)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
