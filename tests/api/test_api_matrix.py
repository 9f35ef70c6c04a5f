"""Every API operation against every role: anonymous, owner of the unit, owner of another unit, reviewer, admin,
the department's leader (who reads what the reviewer reads and changes nothing).

The API's counterpart of tests/auth/test_authorization_matrix.py: a new operation fails
``test_every_operation_is_in_the_matrix`` until it is added, and each must declare one
permission (enforced by its view and shown as ``x-permission`` in the OpenAPI document).
"""

import pytest

from perf.api import examples
from tests.auth.test_authorization_matrix import AS_READER, leader_expected

ROLES = ("anonymous", "owner", "other_owner", "reviewer", "admin", "leader")


def statuses(anonymous, owner, other_owner, reviewer, admin, leader=AS_READER):
    return dict(zip(ROLES, (anonymous, owner, other_owner, reviewer, admin, leader), strict=True))


ALL = statuses(401, 200, 200, 200, 200)
PROJECT = statuses(401, 200, 403, 200, 200)  # reading one of the owner's unit's projects
OWNER_WRITES = statuses(401, 200, 403, 403, 403)
REVIEWER_WRITES = statuses(401, 403, 403, 200, 403)
AS_OF = "2024-07-01"
NEW = {**examples.NEW_PROJECT, "unit_id": "{own_unit}", "code": "APINEW1"}
PAYMENT = {**examples.PAYMENT, "voucher_no": "PZ-MATRIX-1"}

#: (endpoint, method, url, json body, If-Match source (a GET url) or None, expected status per role)
MATRIX = [
    ("api_org.list_years", "GET", "/api/v1/years", None, None, ALL),
    ("api_org.list_departments", "GET", "/api/v1/departments", None, None, ALL),
    ("api_org.list_units", "GET", "/api/v1/units", None, None, ALL),
    ("api_org.get_me", "GET", "/api/v1/me", None, None, ALL),
    ("api_projects.list_projects", "GET", "/api/v1/projects", None, None, ALL),
    ("api_projects.get_project", "GET", "/api/v1/projects/{approved}", None, None, PROJECT),
    ("api_projects.create_project", "POST", "/api/v1/projects", NEW, None, statuses(401, 201, 403, 403, 403)),
    (
        "api_projects.update_project",
        "PUT",
        "/api/v1/projects/{draft}",
        examples.TABLE,
        "/api/v1/projects/{draft}",
        OWNER_WRITES,
    ),
    ("api_workflow.submit_project", "POST", "/api/v1/projects/{draft}/submit", {}, None, OWNER_WRITES),
    ("api_workflow.withdraw_project", "POST", "/api/v1/projects/{submitted}/withdraw", {}, None, OWNER_WRITES),
    (
        "api_workflow.return_project",
        "POST",
        "/api/v1/projects/{submitted}/return",
        {"comment": "请修改"},
        None,
        REVIEWER_WRITES,
    ),
    ("api_workflow.approve_project", "POST", "/api/v1/projects/{submitted}/approve", {}, None, REVIEWER_WRITES),
    (
        "api_workflow.adjust_project",
        "POST",
        "/api/v1/projects/{approved}/adjust",
        {"comment": "原因"},
        None,
        OWNER_WRITES,
    ),
    ("api_payments.list_payments", "GET", "/api/v1/payments", None, None, ALL),
    ("api_payments.get_payment", "GET", "/api/v1/payments/{payment}", None, None, PROJECT),
    ("api_payments.create_payment", "POST", "/api/v1/payments", PAYMENT, None, statuses(401, 201, 403, 403, 403)),
    (
        "api_payments.create_payments",
        "POST",
        "/api/v1/payments/bulk",
        {"payments": [PAYMENT]},
        None,
        statuses(401, 201, 403, 403, 403),
    ),
    (
        "api_payments.correct_payment",
        "PUT",
        "/api/v1/payments/{payment}",
        {"date": "2024-06-30", "amount_yuan": "1200.00", "voucher_no": "PZ-WORLD", "reason": "按凭证更正"},
        "/api/v1/payments/{payment}",
        OWNER_WRITES,
    ),
    (
        "api_payments.delete_payment",
        "DELETE",
        "/api/v1/payments/{payment}?reason=重复录入",
        None,
        None,
        statuses(401, 204, 403, 403, 403),
    ),
    ("api_scans.list_scans", "GET", "/api/v1/scans", None, None, ALL),
    ("api_scans.latest_scan", "GET", "/api/v1/scans/latest", None, None, ALL),
    ("api_scans.run_scan", "POST", "/api/v1/scans", {"as_of": AS_OF}, None, statuses(401, 403, 403, 403, 201)),
    ("api_scans.scan_statuses", "GET", f"/api/v1/scans/{AS_OF}/projects", None, None, ALL),
    ("api_alerts.list_alerts", "GET", "/api/v1/alerts", None, None, ALL),
    ("api_alerts.get_alert", "GET", "/api/v1/alerts/{alert}", None, None, PROJECT),
    ("api_alerts.answer_alert", "POST", "/api/v1/alerts/{alert}/answer", examples.ANSWER, None, OWNER_WRITES),
    ("api_alerts.close_alert", "POST", "/api/v1/alerts/{answered_alert}/close", None, None, REVIEWER_WRITES),
    (
        "api_alerts.send_back_alert",
        "POST",
        "/api/v1/alerts/{answered_alert}/send-back",
        examples.SEND_BACK,
        None,
        REVIEWER_WRITES,
    ),
    ("api_evaluation.list_actuals", "GET", "/api/v1/projects/{approved}/actuals", None, None, PROJECT),
    (
        "api_evaluation.get_actual",
        "GET",
        "/api/v1/projects/{approved}/indicators/{indicator}/actuals/2024-06-30",
        None,
        None,
        PROJECT,
    ),
    (
        "api_evaluation.put_actual",
        "PUT",
        "/api/v1/projects/{approved}/indicators/{indicator}/actuals/2024-06-30",
        {"value": "45%"},
        None,
        OWNER_WRITES,
    ),
    ("api_evaluation.get_self_evaluation", "GET", "/api/v1/projects/{approved}/self-evaluation", None, None, PROJECT),
    (
        "api_self_evaluation.get_entries",
        "GET",
        "/api/v1/projects/{approved}/self-evaluation/entries",
        None,
        None,
        PROJECT,
    ),
    # empty rows are refused (422) once the owner is let in; steps on a project nobody evaluated yet are 409
    (
        "api_self_evaluation.put_entries",
        "PUT",
        "/api/v1/projects/{approved}/self-evaluation/entries",
        {"rows": []},
        "/api/v1/projects/{approved}/self-evaluation/entries",
        statuses(401, 422, 403, 403, 403),
    ),
    (
        "api_self_evaluation.submit_self_evaluation",
        "POST",
        "/api/v1/projects/{approved}/self-evaluation/submit",
        {},
        None,
        statuses(401, 409, 403, 403, 403),
    ),
    (
        "api_self_evaluation.withdraw_self_evaluation",
        "POST",
        "/api/v1/projects/{approved}/self-evaluation/withdraw",
        {},
        None,
        statuses(401, 409, 403, 403, 403),
    ),
    (
        "api_self_evaluation.sign_self_evaluation",
        "POST",
        "/api/v1/projects/{approved}/self-evaluation/sign",
        {},
        None,
        statuses(401, 403, 403, 409, 403),
    ),
    (
        "api_self_evaluation.return_self_evaluation",
        "POST",
        "/api/v1/projects/{approved}/self-evaluation/return",
        {"comment": "请修改"},
        None,
        statuses(401, 403, 403, 409, 403),
    ),
    (
        "api_self_evaluation.reopen_self_evaluation",
        "POST",
        "/api/v1/projects/{approved}/self-evaluation/reopen",
        {"comment": "原因"},
        None,
        statuses(401, 403, 403, 409, 403),
    ),
    ("api_audit.list_audit_entries", "GET", "/api/v1/audit", None, None, statuses(401, 403, 403, 200, 200)),
    ("api_settings.get_settings", "GET", "/api/v1/settings", None, None, statuses(401, 403, 403, 403, 200)),
    ("api_settings.put_settings", "PUT", "/api/v1/settings", {}, None, statuses(401, 403, 403, 403, 200)),
    # uploads: a JSON body has no kind nor file (422); a record is its uploader's and admins'; leaders import nothing
    ("api_imports.start_import", "POST", "/api/v1/imports", {}, None, statuses(401, 422, 422, 422, 422, 403)),
    (
        "api_imports.get_import",
        "GET",
        "/api/v1/imports/{import_record}",
        None,
        None,
        statuses(401, 200, 403, 403, 200, 403),
    ),
    # the owner's record has a problem: applying it is refused (409)
    (
        "api_imports.apply_import",
        "POST",
        "/api/v1/imports/{import_record}/apply",
        {},
        None,
        statuses(401, 409, 403, 403, 409, 403),
    ),
]


def _fill(value, world):
    """Put the world's ids into a url or a body."""
    if isinstance(value, str):
        return value.format(**vars(world)) if "{" in value else value
    if isinstance(value, dict):
        filled = {key: _fill(item, world) for key, item in value.items()}
        return {k: int(v) if k == "unit_id" else v for k, v in filled.items()}
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    return value


def _api_rules(app):
    smorest = app.extensions["flask-smorest"]["blp_name_to_api"]
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in smorest]


def test_every_operation_is_in_the_matrix(app):
    covered = {(endpoint, method) for endpoint, method, *_ in MATRIX}
    operations = {(r.endpoint, m) for r in _api_rules(app) for m in r.methods - {"HEAD", "OPTIONS"}}
    assert operations == covered


def test_every_operation_declares_one_permission_and_documents_it(app, client):
    document = client.get("/api/openapi.json").get_json()
    for rule in _api_rules(app):
        permission = getattr(app.view_functions[rule.endpoint], "permission", None)
        assert permission, rule.endpoint
        path = rule.rule.replace("<int:", "{").replace("<isodate:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            assert operation["x-permission"] == permission.value, (rule.endpoint, method)
            assert operation["operationId"] == rule.endpoint.split(".")[1]


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "body", "etag_url", "expected"),
    MATRIX,
    ids=[f"{row[0]}-{row[1]}" for row in MATRIX],
)
def test_operation_answers_each_role_as_expected(api, world, endpoint, method, url, body, etag_url, expected):
    expected = leader_expected(method, expected)
    target = _fill(url, world)
    headers = {}
    if etag_url:
        headers["If-Match"] = api("GET", _fill(etag_url, world), "owner").headers["ETag"]
    # the roles an operation allows come last, so their change cannot hide a refusal
    order = sorted(ROLES, key=lambda role: expected[role] < 400 and method != "GET")
    actual = {}
    for role in order:
        response = api(method, target, None if role == "anonymous" else role, headers=headers, json=_fill(body, world))
        actual[role] = response.status_code
        if response.status_code >= 400:
            envelope = response.get_json()
            assert set(envelope) == {"code", "message", "errors"}, envelope
            assert envelope["code"] == response.status_code
    assert actual == expected
