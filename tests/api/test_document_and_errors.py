"""The OpenAPI document, the documentation page (no CDN) and the error envelope."""

import re
from pathlib import Path

import flask
from marshmallow import fields as ma_fields

from perf.errors import flatten
from perf.fields import PerfSchema

CJK = re.compile(r"[\u3400-\u9fff]")

ROOT = Path(__file__).resolve().parents[2]


def test_openapi_document_is_public_and_describes_auth(client):
    response = client.get("/api/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["security"] == [{"bearerAuth": []}]
    assert len(document["paths"]) >= 20
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "errors", "message"]


def test_docs_page_uses_only_perfs_own_assets(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    template = (ROOT / "templates/api/docs.html").read_text(encoding="utf-8")
    assert "http" not in template
    vendor = ROOT / "perf/static/vendor/swagger-ui"
    assert (vendor / "LICENSE").exists()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_unknown_api_path_and_method_answer_the_envelope(api, tokens):
    missing = api("GET", "/api/v1/nowhere", "owner")
    assert missing.status_code == 404 and missing.get_json() == {"code": 404, "message": "资源不存在", "errors": {}}
    wrong = api("PATCH", "/api/v1/projects", "owner")
    assert wrong.status_code == 405 and wrong.get_json()["message"] == "该资源不支持此 HTTP 方法"


def test_pages_keep_their_html_errors(client, users, login):
    login(users["owner"])
    response = client.get("/projects/2024/NOPE")
    assert response.status_code == 404 and "text/html" in response.content_type


def test_invalid_json_and_unstorable_text_are_refused_in_chinese(api, world):
    bad = api("POST", "/api/v1/scans", "admin", data="{nope", content_type="application/json")
    assert bad.status_code == 400 and bad.get_json()["errors"] == {"_schema": ["请求体不是有效的 JSON"]}
    nul = api("POST", "/api/v1/payments", "owner", json={"project_code": "A\x00", "voucher_no": ["\ud800"]})
    assert nul.status_code == 422
    assert nul.get_json()["errors"] == {
        "project_code": ["不能包含 NUL 字符（\\u0000）"],
        "voucher_no.0": ["包含无效的 Unicode 字符（孤立的代理项）"],
    }
    query = api("GET", "/api/v1/audit?actor=a%00b", "admin")
    assert query.status_code == 422 and "actor" in query.get_json()["errors"]


def test_missing_body_fields_are_named(api, world):
    response = api("POST", "/api/v1/alerts/1/answer", "owner", json={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"reason": ["必填"], "measures": ["必填"], "catch_up_on": ["必填"]}


def test_flatten_names_nested_paths():
    messages = {"json": {"payments": {3: {"amount_yuan": ["金额不能为 0"], "_schema": ["应为一个对象（键值对）"]}}}}
    assert flatten(messages) == {"payments.3.amount_yuan": ["金额不能为 0"], "payments.3": ["应为一个对象（键值对）"]}


def _schemas_read_by_the_api(app) -> set:
    """Every schema an API operation loads its arguments with, and the schemas nested in them."""
    found, todo = set(), []
    for view in app.view_functions.values():
        doc = getattr(view, "_apidoc", {})
        declared = [parameter["schema"] for parameter in doc.get("arguments", {}).get("parameters", [])]
        body = doc.get("manual_doc", {}).get("requestBody")  # bodies a service loads itself (api.common.raw_body)
        # a multipart upload (api.imports) is read by its service, whose messages are its own Chinese
        json_body = (body or {}).get("content", {}).get("application/json")
        declared += [json_body["schema"]] if json_body else []
        todo += [schema() if isinstance(schema, type) else schema for schema in declared]
    while todo:
        schema = todo.pop()
        if type(schema) in {type(s) for s in found}:
            continue
        found.add(schema)
        for field in schema.load_fields.values():
            inner = getattr(field, "inner", None) or field
            if isinstance(inner, ma_fields.Nested):
                todo.append(inner.schema)
    return found


def test_every_field_the_api_reads_has_its_own_chinese_messages(app):
    """No English marshmallow message can reach a client: each loadable field answers in Chinese itself."""
    schemas = _schemas_read_by_the_api(app)
    assert len(schemas) > 20
    english = []
    for schema in schemas:
        assert isinstance(schema, PerfSchema), type(schema).__name__
        schema_name = type(schema).__name__
        english += [f"{schema_name}: {k} {v!r}" for k, v in schema.error_messages.items() if not CJK.search(v)]
        for name, field in schema.load_fields.items():
            for each in filter(None, (field, getattr(field, "inner", None))):
                for key, text in each.error_messages.items():
                    if not CJK.search(str(text)):
                        english.append(f"{type(schema).__name__}.{name}: {key} {text!r}")
                for validator in each.validators:
                    text = getattr(validator, "error", None)
                    if text is not None and not CJK.search(text):
                        english.append(f"{type(schema).__name__}.{name}: {type(validator).__name__} {text!r}")
    assert english == []


def test_an_unexpected_failure_is_a_500_envelope(app, api, tokens, monkeypatch):
    import perf.api.org as org

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(org.queries, "years", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    flask.g.pop("_login_user", None)
    response = api("GET", "/api/v1/years", "owner")
    assert response.status_code == 500
    assert response.get_json() == {"code": 500, "message": "服务器内部错误", "errors": {}}
