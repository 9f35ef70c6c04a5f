"""Every route against every role: anonymous, owner of the unit, owner of another unit,
reviewer, admin and the department's leader. A new route fails ``test_every_route_is_in_the_matrix``
until it is added.
"""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from flask import current_app

from perf.alerts.models import Alert
from perf.errors import RuleError
from perf.imports import services as imports
from perf.jobs.runner import execute as run_job
from perf.jobs.services import start as start_job
from perf.projects.models import Project
from perf.projects.services import create_project
from perf.review.workflow import TARGET
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment
from perf.workflow.engine import take
from tests.factories import target_table

ROLES = ("anonymous", "owner", "other_owner", "reviewer", "admin", "leader")
#: The 部门领导 reads what the department's reviewer reads and changes nothing (403).
AS_READER = "as reader"


def statuses(anonymous, owner, other_owner, reviewer, admin, leader=AS_READER):
    return dict(zip(ROLES, (anonymous, owner, other_owner, reviewer, admin, leader), strict=True))


def leader_expected(method: str, expected: dict) -> dict:
    """Fill in the leader's answer where a row does not give it: the reviewer's for a read, else 403."""
    if expected["leader"] != AS_READER:
        return expected
    return {**expected, "leader": expected["reviewer"] if method == "GET" else 403}


VIEW_ALL = statuses(302, 200, 200, 200, 200)
ADMIN_ONLY = statuses(302, 403, 403, 403, 200)

#: (endpoint, method, url template, form data, expected status per role); the allowed role
#: of a state-changing step is listed last in ROLES order only where it matters.
MATRIX = [
    ("projects.index", "GET", "/", None, VIEW_ALL),
    ("projects.department", "GET", "/departments/306/2024", None, VIEW_ALL),
    ("projects.project", "GET", "/projects/2024/{approved_code}", None, statuses(302, 200, 403, 200, 200)),
    ("projects.new_project", "GET", "/projects/new", None, statuses(302, 200, 200, 403, 403)),
    ("projects.new_project", "POST", "/projects/new", {}, statuses(401, 200, 200, 403, 403)),
    ("projects.edit_project", "GET", "/projects/{draft}/edit", None, statuses(302, 200, 403, 403, 403)),
    ("projects.edit_project", "POST", "/projects/{draft}/edit", {}, statuses(401, 200, 403, 403, 403)),
    ("projects.parse_value", "GET", "/projects/parse-value?value=%E2%89%A540%25", None, VIEW_ALL),
    ("projects.suggest", "GET", "/projects/suggest?level2=%E6%95%B0%E9%87%8F%E6%8C%87%E6%A0%87", None, VIEW_ALL),
    ("review.queue", "GET", "/queue", None, VIEW_ALL),
    ("review.versions", "GET", "/projects/{approved}/versions", None, statuses(302, 200, 403, 200, 200)),
    ("review.audit", "GET", "/projects/{approved}/audit", None, statuses(302, 403, 403, 200, 200)),
    ("review.submit", "POST", "/projects/{draft}/submit", {}, statuses(401, 302, 403, 403, 403)),
    ("review.withdraw", "POST", "/projects/{submitted}/withdraw", {}, statuses(401, 302, 403, 403, 403)),
    ("review.delete_draft", "POST", "/projects/{draft}/delete", {}, statuses(401, 302, 403, 403, 403)),
    ("review.return", "POST", "/projects/{submitted}/return", {"comment": "请修改"}, statuses(401, 403, 403, 302, 403)),
    ("review.approve", "POST", "/projects/{submitted}/approve", {}, statuses(401, 403, 403, 302, 403)),
    # batch 批复 and batch close: only reviewers; an empty selection is refused on the list page (422)
    ("review.approve_many", "POST", "/queue/approve", {}, statuses(401, 403, 403, 422, 403)),
    ("alerts.close_many", "POST", "/alerts/close", {}, statuses(401, 403, 403, 422, 403)),
    ("review.adjust", "POST", "/projects/{approved}/adjust", {"comment": "原因"}, statuses(401, 302, 403, 403, 403)),
    ("auth.login", "GET", "/login", None, statuses(200, 302, 302, 302, 302)),
    ("auth.login", "POST", "/login", {"username": "nobody", "password": "x"}, statuses(200, 200, 200, 200, 200, 200)),
    ("auth.logout", "POST", "/logout", {}, statuses(401, 302, 302, 302, 302, 302)),
    ("auth.account", "GET", "/account", None, VIEW_ALL),
    ("auth.account", "POST", "/account", {}, statuses(401, 200, 200, 200, 200, 200)),
    # an empty POST saves "no address, no e-mail" and redirects
    ("auth.notices", "POST", "/account/notices", {}, statuses(401, 302, 302, 302, 302, 302)),
    ("auth.users", "GET", "/admin/users", None, ADMIN_ONLY),
    ("auth.user_new", "GET", "/admin/users/new", None, ADMIN_ONLY),
    ("auth.user_new", "POST", "/admin/users/new", {}, statuses(401, 403, 403, 403, 200)),
    ("auth.user_edit", "GET", "/admin/users/{owner_id}", None, ADMIN_ONLY),
    # an empty POST re-saves the stored values (Flask-WTF reads no form data) and redirects
    ("auth.user_edit", "POST", "/admin/users/{owner_id}", {}, statuses(401, 403, 403, 403, 302)),
    # 系统设置: admins only; an empty POST is refused (no lag rules, no file) and shown again (422)
    ("settings.index", "GET", "/settings", None, ADMIN_ONLY),
    ("settings.save", "POST", "/settings", {}, statuses(401, 403, 403, 403, 422)),
    ("settings.preview", "POST", "/settings/preview", {}, statuses(401, 403, 403, 403, 422)),
    ("settings.test_message", "POST", "/settings/test-message", {}, statuses(401, 403, 403, 403, 422)),
    ("settings.export", "GET", "/settings/export.json", None, ADMIN_ONLY),
    ("settings.import_file", "POST", "/settings/import", {}, statuses(401, 403, 403, 403, 422)),
    ("static", "GET", "/static/css/perf.css", None, statuses(200, 200, 200, 200, 200)),
    ("auth.favicon", "GET", "/favicon.ico", None, statuses(200, 200, 200, 200, 200)),
    ("alerts.alerts", "GET", "/alerts", None, VIEW_ALL),
    (
        "reports.print_page",
        "GET",
        "/projects/{approved}/self-evaluation/print",
        None,
        statuses(302, 200, 403, 200, 200),
    ),
    (
        "reports.xlsx_download",
        "GET",
        "/projects/{approved}/self-evaluation.xlsx",
        None,
        statuses(302, 200, 403, 200, 200),
    ),
    (
        "reports.pdf_download",
        "GET",
        "/projects/{approved}/self-evaluation.pdf",
        None,
        statuses(302, 200, 403, 200, 200),
    ),
    ("spending.add_payment", "POST", "/projects/{approved}/payments", {}, statuses(401, 200, 403, 403, 403)),
    ("spending.edit_payment", "GET", "/payments/{payment}/edit", None, statuses(302, 200, 403, 403, 403)),
    ("spending.edit_payment", "POST", "/payments/{payment}/edit", {}, statuses(401, 200, 403, 403, 403)),
    (
        "spending.delete_payment",
        "POST",
        "/payments/{payment}/delete",
        {"reason": "重复录入"},
        statuses(401, 302, 403, 403, 403),
    ),
    ("alerts.alert", "GET", "/alerts/{alert}", None, statuses(302, 200, 403, 200, 200)),
    ("alerts.alert", "POST", "/alerts/{alert}", {}, statuses(401, 200, 403, 403, 403)),
    ("alerts.close_alert", "POST", "/alerts/{answered_alert}/close", {}, statuses(401, 403, 403, 302, 403)),
    ("alerts.send_back", "POST", "/alerts/{answered_alert}/send-back", {}, statuses(401, 403, 403, 302, 403)),
    ("alerts.inbox", "GET", "/inbox", None, VIEW_ALL),
    ("alerts.read", "POST", "/inbox/read", {}, statuses(401, 302, 302, 302, 302, 302)),
    ("alerts.dashboard", "GET", "/departments/306/2024/dashboard?as_of=2024-07-01", None, VIEW_ALL),
    ("alerts.progress", "GET", "/projects/{approved}/progress", None, statuses(302, 200, 403, 200, 200)),
    # self-evaluation: an empty form is refused (422) with its reasons; steps redirect with a message
    (
        "evaluation.self_evaluation",
        "GET",
        "/projects/{approved}/self-evaluation",
        None,
        statuses(302, 200, 403, 200, 200),
    ),
    (
        "evaluation.self_evaluation",
        "POST",
        "/projects/{approved}/self-evaluation",
        {},
        statuses(401, 422, 403, 403, 403),
    ),
    ("evaluation.submit", "POST", "/projects/{approved}/self-evaluation/submit", {}, statuses(401, 302, 403, 403, 403)),
    (
        "evaluation.withdraw",
        "POST",
        "/projects/{approved}/self-evaluation/withdraw",
        {},
        statuses(401, 302, 403, 403, 403),
    ),
    ("evaluation.sign", "POST", "/projects/{approved}/self-evaluation/sign", {}, statuses(401, 403, 403, 302, 403)),
    ("evaluation.return", "POST", "/projects/{approved}/self-evaluation/return", {}, statuses(401, 403, 403, 302, 403)),
    ("evaluation.reopen", "POST", "/projects/{approved}/self-evaluation/reopen", {}, statuses(401, 403, 403, 302, 403)),
    (
        "evaluation.version",
        "GET",
        "/projects/{approved}/self-evaluation/versions/1",
        None,
        statuses(302, 404, 403, 404, 404),
    ),
    ("reports.department_summary", "GET", "/departments/306/2024/self-evaluations", None, VIEW_ALL),
    ("reports.department_summary_xlsx", "GET", "/departments/306/2024/self-evaluations.xlsx", None, VIEW_ALL),
    ("reports.department_summary_pdf", "GET", "/departments/306/2024/self-evaluations.pdf", None, VIEW_ALL),
    ("midyear.round_page", "GET", "/projects/{approved}/midyear", None, statuses(302, 200, 403, 200, 200)),
    ("midyear.save_round", "POST", "/projects/{approved}/midyear", {}, statuses(401, 302, 403, 403, 403)),
    ("projects.table_xlsx", "GET", "/projects/{approved}/target-table.xlsx", None, statuses(302, 200, 403, 200, 200)),
    # the department's projects the viewer sees; the other unit holds none of the sample's
    (
        "publish.department_targets",
        "GET",
        "/departments/306/2024/targets.docx",
        None,
        statuses(302, 200, 404, 200, 200),
    ),
    ("midyear.round_xlsx", "GET", "/projects/{approved}/midyear.xlsx", None, statuses(302, 200, 403, 200, 200)),
    ("midyear.department_round", "GET", "/departments/306/2024/midyear", None, VIEW_ALL),
    ("actuals.actuals", "GET", "/projects/{approved}/actuals", None, statuses(302, 200, 403, 200, 200)),
    ("actuals.actuals", "POST", "/projects/{approved}/actuals", {}, statuses(401, 422, 403, 403, 403)),
    ("api_tokens.create", "POST", "/account/tokens", {"name": "对接"}, statuses(401, 200, 200, 200, 200, 200)),
    # uploads: owners, reviewers and admins (the kinds each may upload: perf.imports.services); the leader none.
    # An empty POST has no kind (422); a record is its uploader's and admins'; a refused apply redirects.
    ("imports.upload", "GET", "/imports", None, statuses(302, 200, 200, 200, 200, 403)),
    ("imports.upload", "POST", "/imports", {}, statuses(401, 422, 422, 422, 422, 403)),
    ("imports.preview", "GET", "/imports/{import_record}", None, statuses(302, 200, 403, 403, 200, 403)),
    ("imports.apply", "POST", "/imports/{import_record}/apply", {}, statuses(401, 302, 403, 403, 302, 403)),
    (
        "imports.template",
        "GET",
        "/imports/templates/payments.xlsx",
        None,
        statuses(302, 200, 200, 200, 200, 403),
    ),
    # nobody owns token 999999: each user may revoke only their own tokens
    ("api_tokens.revoke", "POST", "/account/tokens/999999/revoke", {}, statuses(401, 404, 404, 404, 404, 404)),
    # an empty 催办 is refused with its reason and redirects; only reviewers may send one
    ("office.nudge", "POST", "/nudge", {}, statuses(401, 403, 403, 302, 403)),
    # background jobs: everyone who reads projects may start an export (it holds what they see); scans are the
    # reviewer's and the admin's; a job and its file are its starter's (the owner's here) and the admin's
    (
        "jobs.start_export",
        "POST",
        "/departments/306/2024/jobs/self_evaluations",
        {"format": "xlsx"},
        statuses(401, 302, 302, 302, 302, 302),
    ),
    ("jobs.start_scan", "POST", "/scans", {"as_of": "2024-07-01"}, statuses(401, 403, 403, 302, 302)),
    ("jobs.job_list", "GET", "/jobs", None, VIEW_ALL),
    ("jobs.job_page", "GET", "/jobs/{job}", None, statuses(302, 200, 403, 403, 200)),
    ("jobs.job_status", "GET", "/jobs/{job}/status", None, statuses(302, 200, 403, 403, 200)),
    ("jobs.download", "GET", "/jobs/{job}/download", None, statuses(302, 200, 403, 403, 200)),
    ("api_docs.openapi_json", "GET", "/api/openapi.json", None, statuses(200, 200, 200, 200, 200)),
    ("api_docs.docs", "GET", "/api/docs", None, statuses(200, 200, 200, 200, 200)),
]


@pytest.fixture
def places(session, users):
    """A draft and a submitted table of the owner's unit, and an imported (approved) one."""
    owner = users["owner"]
    approved = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))

    def new(code):
        return create_project(approved.budget_year, owner.units[0], target_table(code), actor="test")

    draft = new("DRAFT1")
    submitted = new("SUBMIT1")
    submitted.status = "submitted"
    alerts = [
        Alert(
            project_id=approved.id,
            checkpoint_seq=seq,
            kind="lag",
            level="red",
            status=status,
            planned_pct=D(30),
            actual_pct=D(0),
            as_of=date(2024, 7, 1),
        )
        for seq, status in ((2, "open"), (3, "answered"))
    ]
    session.add_all(alerts)
    payment = add_payment(approved, PaymentData(approved.code, date(2024, 6, 30), D("1000"), "PZ-MATRIX"), "test")
    upload = imports.check("payments", "支付.csv", "项目编码\n1\n".encode(), owner)  # the owner's, with a problem
    job = start_job("midyear", {"department": "306", "year": 2024}, owner)
    session.commit()  # requests that roll back must not take the fixture's rows with them
    run_job(current_app, job.id)  # the owner's finished export
    return {
        "draft": draft.id,
        "submitted": submitted.id,
        "approved": approved.id,
        "approved_code": approved.code,
        "owner_id": owner.id,
        "alert": alerts[0].id,
        "answered_alert": alerts[1].id,
        "payment": payment.id,
        "import_record": upload.id,
        "job": job.id,
    }


def _is_api_resource(app, rule) -> bool:
    """Operations of the REST API's resource blueprints have their own matrix (tests/api/test_api_matrix.py)."""
    return rule.endpoint.split(".")[0] in app.extensions["flask-smorest"]["blp_name_to_api"]


def test_every_route_is_in_the_matrix(app):
    covered = {(endpoint, method) for endpoint, method, *_ in MATRIX}
    for rule in app.url_map.iter_rules():
        if _is_api_resource(app, rule):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in covered, f"{rule.endpoint} {method} {rule.rule} is not in the matrix"


def test_every_route_declares_one_permission(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or _is_api_resource(app, rule):
            continue
        assert getattr(app.view_functions[rule.endpoint], "permission", None), rule.endpoint


@pytest.mark.parametrize(
    ("endpoint", "method", "url", "data", "expected"),
    MATRIX,
    ids=[f"{m[0]}-{m[1]}-{m[2].split('/')[-1] or 'root'}" for m in MATRIX],
)
def test_route_answers_each_role_as_expected(client, users, login, places, endpoint, method, url, data, expected):
    expected = leader_expected(method, expected)
    target = url.format(**places)
    actual = {}
    # the roles a state-changing step allows come last, so their change cannot hide a refusal
    order = sorted(ROLES, key=lambda role: expected[role] in (200, 302) and method == "POST")
    for role in order:
        login(None if role == "anonymous" else users[role])
        response = client.open(target, method=method, data=data)
        actual[role] = response.status_code
    assert actual == expected


def test_a_refused_step_changes_nothing(client, users, login, places, session):
    login(users["other_owner"])
    client.post(f"/projects/{places['draft']}/submit")
    login(users["admin"])
    client.post(f"/projects/{places['submitted']}/approve")
    session.expire_all()
    assert session.get(Project, places["draft"]).status == "draft"
    assert session.get(Project, places["submitted"]).status == "submitted"


def test_workflow_service_checks_permissions_too(session, users, places):
    project = session.get(Project, places["submitted"])
    with pytest.raises(RuleError, match="只有本部门的财务审核可以批复"):
        take(TARGET, "approve", project, users["owner"])
