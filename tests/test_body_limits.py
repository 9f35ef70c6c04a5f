"""Request bodies: an upload may send MAX_UPLOAD_MB, anything else MAX_REQUEST_KB; a larger one is refused (413,
in Chinese) before it is read."""

import io

import pytest

from perf.security import UPLOAD_ENDPOINTS


def test_every_upload_endpoint_exists(app):
    assert set(app.view_functions) >= UPLOAD_ENDPOINTS


@pytest.mark.parametrize(
    ("path", "api"),
    [("/settings", False), ("/projects/1/actuals", False), ("/api/v1/settings", True), ("/login", False)],
)
def test_a_form_or_api_body_over_the_request_limit_is_refused_in_chinese(client, users, login, path, api):
    login(users["admin"])
    body = b"x" * (1024 * 1024 + 10)
    method = client.put if api else client.post
    answer = method(path, data=body, content_type="application/json" if api else "application/x-www-form-urlencoded")
    assert answer.status_code == 413
    text = answer.get_json()["message"] if api else answer.get_data(as_text=True)
    assert "提交的内容过大：最多 1024 KB" in text


def test_an_upload_may_send_more_than_the_request_limit(client, users, login):
    login(users["admin"])
    body = {"kind": "payments", "file": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.csv")}
    answer = client.post("/imports", data=body, content_type="multipart/form-data")
    assert answer.status_code != 413  # read and checked: what it holds is another matter


def test_one_field_over_the_per_field_limit_is_said_so(client, users, login):
    login(users["admin"])
    body = {"mail_host": "x" * 600_000}  # 600 KB: the body is within 1024 KB, the one field over 500 KB
    answer = client.post("/settings", data=body, content_type="multipart/form-data")
    assert answer.status_code == 413
    assert "填写的内容过长：每项最多" in answer.get_data(as_text=True)
