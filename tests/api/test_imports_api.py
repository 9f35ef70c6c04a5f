"""The uploads API: 202 with the record, then its check; applying once; rows of other units refused."""

import io
from datetime import date

from tests.documents.test_replace_keeps_work import REMOVED
from tests.imports.conftest import CODE, OTHER, xlsx
from tests.imports.test_replace_uploads import ONLINE, actual_count, record_actual

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
        "indicators": None,
        "dropping": [],
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


def test_the_api_lists_dropping_refuses_with_409_and_applies_with_drop_recorded(api, tokens, session):
    record_actual(session, "网上审批率", "98%", "98")
    data = {"kind": "disclosure", "file": (io.BytesIO(REMOVED.encode()), "公开.txt")}
    started = api("POST", "/api/v1/imports", "reviewer", data=data, content_type="multipart/form-data").get_json()
    shown = api("GET", f"/api/v1/imports/{started['id']}", "reviewer").get_json()
    assert shown["dropping"] == [{**ONLINE, "recorded": ["实际完成值 1 条"]}]
    assert shown["indicators"] == {"kept": 7, "changed": 0, "dropped": 1, "added": 0}
    assert shown["problems"] == [] and shown["status"] == "checked"

    refused = api("POST", f"/api/v1/imports/{started['id']}/apply", "reviewer")
    assert refused.status_code == 409
    envelope = refused.get_json()
    assert envelope["code"] == 409 and "网上审批率" in envelope["errors"]["drop_recorded"][0]
    assert actual_count(session) == 1
    unreadable = api("POST", f"/api/v1/imports/{started['id']}/apply?drop_recorded=maybe", "reviewer")
    assert unreadable.status_code == 422 and "drop_recorded" in unreadable.get_json()["errors"]

    applied = api("POST", f"/api/v1/imports/{started['id']}/apply?drop_recorded=true", "reviewer")
    assert applied.status_code == 200
    assert applied.get_json()["status"] == "applied" and applied.get_json()["dropping"][0]["name"] == "网上审批率"
    session.expire_all()
    assert actual_count(session) == 0
