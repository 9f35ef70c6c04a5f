"""The uploads API: 202 with the record, then its check; applying once; rows of other units refused."""

import io
from datetime import date

from tests.imports.conftest import CODE, OTHER, xlsx

ROWS = [
    [CODE, date(2024, 6, 30), "90,000.00", "PZ001", "网络维护费"],
    [OTHER, "2024/3/1", 12345.67, "PZ001", "办公设备"],
]


def test_api_upload_answers_202_then_the_check_then_applies(api, tokens, session):
    data = {"kind": "payments", "file": (io.BytesIO(xlsx(ROWS)), "支付.xlsx")}
    started = api("POST", "/api/v1/imports", "reviewer", data=data, content_type="multipart/form-data")
    assert started.status_code == 202
    body = started.get_json()
    assert set(body) == {"id", "status"} and body["status"] == "checked"
    shown = api("GET", f"/api/v1/imports/{body['id']}", "reviewer").get_json()
    assert shown == {
        "id": body["id"],
        "kind": "payments",
        "status": "checked",
        "progress": 100,
        "summary": {"new": 2, "changed": 0, "unchanged": 0},
        "problems": [],
    }
    applied = api("POST", f"/api/v1/imports/{body['id']}/apply", "reviewer")
    assert applied.status_code == 200 and applied.get_json()["status"] == "applied"
    again = api("POST", f"/api/v1/imports/{body['id']}/apply", "reviewer")
    assert again.status_code == 409
    assert "已导入" in again.get_json()["message"] or "已导入" in str(again.get_json()["errors"])


def test_api_refuses_by_row_and_names_an_unknown_layout(api, tokens):
    data = {"kind": "payments", "file": (io.BytesIO(xlsx(ROWS)), "支付.xlsx")}
    started = api("POST", "/api/v1/imports", "other_owner", data=data, content_type="multipart/form-data").get_json()
    shown = api("GET", f"/api/v1/imports/{started['id']}", "other_owner").get_json()
    assert [p["where"] for p in shown["problems"]] == ["第4行", "第5行"]
    assert api("POST", f"/api/v1/imports/{started['id']}/apply", "other_owner").status_code == 409
    targets = {"kind": "targets", "file": (io.BytesIO("甲,乙\n1,2\n".encode()), "t.csv")}
    started = api("POST", "/api/v1/imports", "owner", data=targets, content_type="multipart/form-data")
    assert started.status_code == 202
    shown = api("GET", f"/api/v1/imports/{started.get_json()['id']}", "owner").get_json()
    assert shown["status"] == "checked" and len(shown["problems"]) == 1
    assert "perf 查找的表头有：单位名称（必需）" in shown["problems"][0]["message"]
    assert "文件中的表头为：甲、乙" in shown["problems"][0]["message"]


def test_an_upload_over_the_limit_gets_413_json(app, api, tokens):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        data = {"kind": "payments", "file": (io.BytesIO(b"x" * 4096), "big.csv")}
        answer = api("POST", "/api/v1/imports", "reviewer", data=data, content_type="multipart/form-data")
        assert answer.status_code == 413
        envelope = answer.get_json()
        assert envelope["code"] == 413
        assert envelope["errors"]["file"][0].startswith("上传的文件过大")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 20 * 1024 * 1024
