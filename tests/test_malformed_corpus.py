"""A corpus of malformed input, table-driven: forms, API bodies, URLs and every file import.

Each case sends one malformed thing (overlong text, huge or over-precise numbers, control characters,
deep or wrongly typed JSON, wrong encodings, binary garbage, zip bombs, digits that are not ASCII in
hidden ids, ids no column holds, bodies over the request limit) and checks three things:

1. perf answers without a 5xx and without a traceback: a page answers 4xx, or 200/302 with the form and
   its message; the API answers 4xx with ``{code, message, errors}``; a CLI import exits 1 with its
   problems (line, row or field first) on stderr;
2. it says so in Chinese;
3. nothing was written: the row count of every table (``db.metadata.sorted_tables``) is the same before
   and after. An upload (the 导入数据 page, ``POST /api/v1/imports``) is kept as one ``import_record``
   with its check audited (``import.check``): that one record and that one audit entry are what an
   upload writes by design (perf/imports/services.py), so they are the only difference allowed there.

A case that fails because perf has a bug stays in the table, marked ``xfail(strict=True)`` with what
perf does.
"""

import csv
import io
import json
import re
import struct
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import flask
import openpyxl
import pytest
import sqlalchemy as sa

from perf.extensions import db
from perf.imports.models import ImportRecord
from tests.api.conftest import api, tokens, world  # noqa: F401  (the API's token client and its objects)
from tests.conftest import ENGINE
from tests.documents import docx_builder as docs
from tests.documents import flat_files as flat
from tests.factories import posted_fields, project_form_data

CODE = "13020724P00X4BL10005W"  # the sample project (approved, 28.00 万元), of t-owner's unit
HUGE = "99999999999999999999"  # 20 digits: no id column holds it
CJK = re.compile(r"[\u4e00-\u9fff]")
NOTE_100K = "x" * 100_000
LONG_NOTE = "字" * 100_000
BIG_FORM = 2 * 1024 * 1024  # over MAX_REQUEST_KB (1024 KB)


# --- what every case checks -------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """The number of rows of every table perf has."""
    return {
        table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """The tables whose row count moved, with by how much."""
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def visible(html: str) -> str:
    """A page's text without its tags, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def messages_of(html: str) -> list[str]:
    """What a page says about the form it shows: the messages at its fields, those listed in the 未保存 banner
    (its bare "未保存：N 处问题" title names no problem, so it is not one), other error boxes, flashed messages."""
    found = re.findall(r'<ul class="field-errors">(.*?)</ul>', html, re.S)
    found += re.findall(r'<p class="field-error">(.*?)</p>', html, re.S)
    found += re.findall(r'<div class="banner-message">(.*?)</div>', html, re.S)
    found += re.findall(r'<div class="flash flash-error"[^>]*>(.*?)</div>', html, re.S)
    found += re.findall(r'<p class="flash flash-[a-z]+">(.*?)</p>', html, re.S)
    return [re.sub(r"\s+", " ", visible(text)).strip() for text in found]


def assert_page_refused(client, response, before: dict[str, int]) -> None:
    """A page's answer to a malformed request: no 5xx or traceback, a Chinese message, nothing written."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert "Traceback" not in body
    if response.status_code == 302:
        flask.g.pop("_login_user", None)
        followed = client.get(response.headers["Location"])
        assert followed.status_code < 500, followed.get_data(as_text=True)[:2000]
        body = followed.get_data(as_text=True)
        assert "Traceback" not in body
    if response.status_code >= 400 and response.status_code != 422:  # an error page (400, 404, 413 …)
        assert CJK.search(visible(body)), body[:2000]
    else:  # the form again, or the page a refused form went back to
        said = messages_of(body)
        assert any(CJK.search(text) for text in said), said or body[:2000]
    assert changed(before, row_counts()) == {}


def assert_api_refused(response, before: dict[str, int]) -> None:
    """The API's answer: a 4xx envelope {code, message, errors} in Chinese, nothing written."""
    body = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, body[:2000]
    assert "Traceback" not in body
    envelope = response.get_json(silent=True)
    assert isinstance(envelope, dict) and set(envelope) >= {"code", "message", "errors"}, body[:2000]
    assert envelope["code"] == response.status_code
    said = [envelope["message"], *(m for found in envelope["errors"].values() for m in found)]
    assert any(isinstance(m, str) and CJK.search(m) for m in said), envelope
    assert changed(before, row_counts()) == {}


def assert_upload_refused(record_id: int | None, before: dict[str, int]) -> None:
    """An upload with a malformed file: its record checked (not crashed), every problem in Chinese at a
    place (第N行, 文件 …), never applied; besides that record and its audited check nothing was written."""
    db.session.expire_all()
    record = db.session.get(ImportRecord, record_id)
    assert record is not None
    problems = record.problems
    assert record.status == "checked", (record.status, problems)
    assert problems, record.summary
    for problem in problems:
        assert problem["where"] and CJK.search(problem["message"]), problem
        assert "Traceback" not in problem["message"]
        assert "\x00" not in problem["message"] + problem["where"]
    assert not record.can_apply
    assert changed(before, row_counts()) == {"import_record": 1, "audit_entry": 1}


def assert_cli_refused(result, before: dict[str, int]) -> None:
    """A CLI import of a malformed file: exit 1, problems in Chinese on stderr naming where, no traceback."""
    output = (result.stdout or "") + (result.stderr or "")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, output[:2000]
    assert "Traceback" not in output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert (lines and lines[-1].startswith("共 ")) or "未导入" in result.stderr, result.stderr[:2000]
    assert CJK.search(lines[0]) and "：" in lines[0], lines[:5]  # "第3行：…", "文件：…"
    assert changed(before, row_counts()) == {}


def limitation(reason: str):
    """A case perf cannot tell from good input (strict xfail, so a change of behaviour is seen)."""
    return pytest.mark.xfail(strict=True, reason=f"LIMITATION: {reason}")


def bug(reason: str, engines=("sqlite", "postgresql")):
    """A case perf fails today: strict xfail (on the engines named), with what perf does."""
    return pytest.mark.xfail(ENGINE in engines, strict=True, reason=f"BUG: {reason}")


#: The cases perf fails today, by "group:id", with what it does (mark a bug with ``bug``, naming the engines).
BUGS = {
    "form:project-name-gbk-bytes": limitation(
        "GBK bytes posted to a UTF-8 form: Werkzeug decodes what it can and keeps each byte it cannot as its "
        "%XX escape ('ҵ%CE%F1%C5%E0ѵ…'), which is also what a person could have typed, so the name is saved "
        "as those characters; browsers send the UTF-8 the page asks for"
    ),
}
_MARKED: set[str] = set()


def marked(group: str, params: list) -> list:
    """The cases of ``group`` with their BUGS marks."""
    out = []
    for param in params:
        key = f"{group}:{param.id}"
        extra = [BUGS[key]] if key in BUGS else []
        _MARKED.update([key] if extra else [])
        out.append(pytest.param(*param.values, marks=[*param.marks, *extra], id=param.id))
    return out


# --- the objects the cases act on --------------------------------------------------------------------


@pytest.fixture
def ctx(world, session, users, client, login, api):  # noqa: F811  (the fixtures imported above)
    """The API fixtures' world (a draft, the approved sample project with a payment, an open alert, an
    actual value) and the ids the cases' paths name."""
    from perf.projects.models import Project

    approved = session.get(Project, world.approved)
    return SimpleNamespace(
        **vars(world),
        indicator2=approved.indicators[1].id,
        client=client,
        login=login,
        users=users,
        api=api,
    )


def fill(template: str, ctx) -> str:
    return template.format(**vars(ctx), HUGE=HUGE, CODE=CODE)


# --- (a) HTML forms ----------------------------------------------------------------------------------


def project_form(ctx) -> dict:
    """A valid new 绩效目标表 as the /projects/new form posts it."""
    return project_form_data(ctx.own_unit, code="13020724P00MALF0001")


def fields_of(ctx, path: str, form_id: str) -> dict:
    """What the browser posts from form ``form_id`` of page ``path``, selects included (their chosen option)."""
    flask.g.pop("_login_user", None)
    page = ctx.client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    html = page.get_data(as_text=True)
    data = posted_fields(html, form_id)
    form = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    for name, options in re.findall(r'<select\b[^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        tags = re.findall(r"<option\b[^>]*>", options)
        values = [(re.search(r'value="([^"]*)"', tag).group(1), " selected" in tag) for tag in tags]
        chosen = [value for value, selected in values if selected]
        data[name] = (chosen or [value for value, _ in values] or [""])[0]
    return data


#: Each form: who posts it, to where, and the valid fields a case changes one of.
FORMS = {
    "project_new": ("owner", "/projects/new", project_form),
    "project_edit": (
        "owner",
        "/projects/{draft}/edit",
        lambda c: fields_of(c, f"/projects/{c.draft}/edit", "target-form"),
    ),
    "payment_add": (
        "owner",
        "/projects/{approved}/payments",
        lambda c: {
            "date": "2024-07-01",
            "amount_yuan": "100.00",
            "source": "fiscal",
            "voucher_no": "PZ-MALF-1",
            "refund_of": "",
            "note": "维护费",
        },
    ),
    "payment_edit": (
        "owner",
        "/payments/{payment}/edit",
        lambda c: {**fields_of(c, f"/payments/{c.payment}/edit", "payment-form"), "reason": "按凭证更正"},
    ),
    "payment_delete": (
        "owner",
        "/payments/{payment}/delete",
        lambda c: {**fields_of(c, f"/payments/{c.payment}/edit", "delete-payment-form"), "reason": "重复录入"},
    ),
    "actuals": (
        "owner",
        "/projects/{approved}/actuals",
        lambda c: {**fields_of(c, f"/projects/{c.approved}/actuals", "actuals-form"), "rows-1-value": "96%"},
    ),
    "midyear": (
        "owner",
        "/projects/{approved}/midyear",
        lambda c: {
            **fields_of(c, f"/projects/{c.approved}/midyear", "midyear-form"),
            "entries-1-actual": "90%",
            "entries-1-forecast": "95%",
            "entries-1-likelihood": "certain",
        },
    ),
    "self_evaluation": (
        "owner",
        "/projects/{approved}/self-evaluation",
        lambda c: {
            **fields_of(c, f"/projects/{c.approved}/self-evaluation", "evaluation-form"),
            "outcome": "按计划完成",
        },
    ),
    "alert": (
        "owner",
        "/alerts/{alert}",
        lambda c: {
            **fields_of(c, f"/alerts/{c.alert}", "answer-form"),
            "reason": "合同签订推迟",
            "measures": "8月完成招标后集中支付",
            "catch_up_on": "2024-09-30",
        },
    ),
    "settings": ("admin", "/settings", lambda c: fields_of(c, "/settings", "settings-form")),
    "user_new": (
        "admin",
        "/admin/users/new",
        lambda c: {
            **fields_of(c, "/admin/users/new", "user-form"),
            "username": "malformed-user",
            "display_name": "新用户",
            "email": "new@example.com",
            "password": "long-enough-9",
            "role": "owner",
            "unit_ids": str(c.own_unit),
        },
    ),
}

GBK_NAME = "业务培训经费".encode("gbk")

FORM_CASES = [
    # 绩效目标表 (project.name String(200), code String(40), indicator.level1 String(30), name/value String(200))
    pytest.param("project_new", {"name": "项" * 201}, id="project-name-201-chars"),
    pytest.param("project_new", {"code": "A" * 41}, id="project-code-41-chars"),
    pytest.param("project_new", {"indicators-0-level1": "产出指标" * 10}, id="project-level1-40-chars"),
    pytest.param("project_new", {"indicators-0-name": "名" * 201}, id="project-indicator-name-201-chars"),
    pytest.param("project_new", {"indicators-0-value": "≥" + "9" * 200 + "人"}, id="project-value-202-chars"),
    pytest.param("project_new", {"indicators-0-basis": "据" * 100_000}, id="project-basis-100k-chars"),
    pytest.param("project_new", {"goal": "标" * 100_000}, id="project-goal-100k-chars"),
    pytest.param("project_new", {"total": "9" * 30, "fiscal": "9" * 30, "other": "0"}, id="project-total-30-digits"),
    pytest.param("project_new", {"total": "1e400", "fiscal": "1e400", "other": "0"}, id="project-total-1e400"),
    pytest.param(
        "project_new",
        {"total": "10.1234567891", "fiscal": "10.1234567891", "other": "0"},
        id="project-total-10-decimals",
    ),
    pytest.param("project_new", {"plan-1": "1e30"}, id="project-plan-percent-1e30"),
    pytest.param("project_new", {"plan-0": "²"}, id="project-plan-superscript-digit"),
    pytest.param("project_new", {"unit_id": "١"}, id="project-unit-id-arabic-indic"),
    pytest.param("project_new", {"unit_id": HUGE}, id="project-unit-id-20-digits"),
    pytest.param("project_new", {"name": "培训\x00经费"}, id="project-name-nul"),
    pytest.param("project_new", {"purpose": "举办\x07培训"}, id="project-purpose-bel"),
    pytest.param("project_new", {"indicators-0-description": "\x1b[31m红色"}, id="project-description-esc"),
    pytest.param("project_new", {"code": "13020724P00\x00MALF1"}, id="project-code-nul"),
    pytest.param("project_new", {"name": GBK_NAME}, id="project-name-gbk-bytes"),
    pytest.param("project_edit", {"lock_version": "²", "name": "改名"}, id="project-edit-lock-version-superscript"),
    pytest.param("project_edit", {"lock_version": HUGE, "name": "改名"}, id="project-edit-lock-version-20-digits"),
    pytest.param("project_edit", {"lock_version": "١٢", "name": "改名"}, id="project-edit-lock-version-arabic-indic"),
    # payments (voucher_no / refund_of String(64), amount Numeric(16, 2))
    pytest.param("payment_add", {"voucher_no": "P" * 65}, id="payment-voucher-65-chars"),
    pytest.param("payment_add", {"refund_of": "P" * 65, "amount_yuan": "-1.00"}, id="payment-refund-of-65-chars"),
    pytest.param("payment_add", {"note": LONG_NOTE}, id="payment-note-100k-chars"),
    pytest.param("payment_add", {"amount_yuan": "9" * 27}, id="payment-amount-27-digits"),
    pytest.param("payment_add", {"amount_yuan": "9" * 40}, id="payment-amount-40-digits"),
    pytest.param("payment_add", {"amount_yuan": "1e400"}, id="payment-amount-1e400"),
    pytest.param("payment_add", {"amount_yuan": "100.1234567891"}, id="payment-amount-10-decimals"),
    pytest.param("payment_add", {"voucher_no": "PZ\x00001"}, id="payment-voucher-nul"),
    pytest.param("payment_add", {"note": "维护\x1b费"}, id="payment-note-esc"),
    pytest.param("payment_add", {"date": "2024-07-01\x00"}, id="payment-date-nul"),
    pytest.param("payment_add", {"source": "fiscal\x07"}, id="payment-source-bel"),
    pytest.param(
        "payment_edit", {"lock_version": "²", "amount_yuan": "1500.00"}, id="payment-edit-lock-version-superscript"
    ),
    pytest.param(
        "payment_edit", {"lock_version": HUGE, "amount_yuan": "1500.00"}, id="payment-edit-lock-version-20-digits"
    ),
    pytest.param("payment_edit", {"reason": "因" * 100_000, "amount_yuan": "1500.00"}, id="payment-edit-reason-100k"),
    pytest.param("payment_edit", {"reason": "更正\x00", "amount_yuan": "1500.00"}, id="payment-edit-reason-nul"),
    pytest.param("payment_delete", {"lock_version": "١٢"}, id="payment-delete-lock-version-arabic-indic"),
    pytest.param("payment_delete", {"reason": "重复\x07录入"}, id="payment-delete-reason-bel"),
    # 实际完成值 (value String(200), note Text)
    pytest.param("actuals", {"rows-1-indicator_id": "١٢"}, id="actuals-indicator-id-arabic-indic"),
    pytest.param("actuals", {"rows-1-indicator_id": HUGE}, id="actuals-indicator-id-20-digits"),
    pytest.param("actuals", {"rows-1-lock_version": "²"}, id="actuals-lock-version-superscript"),
    pytest.param("actuals", {"rows-1-value": "9" * 201}, id="actuals-value-201-chars"),
    pytest.param("actuals", {"rows-1-value": "9" * 40 + "%"}, id="actuals-value-40-digits"),
    pytest.param("actuals", {"rows-1-value": "1e400%"}, id="actuals-value-1e400"),
    pytest.param("actuals", {"rows-1-note": LONG_NOTE}, id="actuals-note-100k-chars"),
    pytest.param("actuals", {"rows-1-reason": "原因\x00"}, id="actuals-reason-nul"),
    pytest.param("actuals", {"as_of": "garbage"}, id="actuals-as-of-garbage"),
    # 绩效运行监控
    pytest.param("midyear", {"entries-1-indicator_id": "١٢"}, id="midyear-indicator-id-arabic-indic"),
    pytest.param("midyear", {"entries-1-forecast": "预" * 201}, id="midyear-forecast-201-chars"),
    pytest.param("midyear", {"entries-1-measures": "措施\x1b"}, id="midyear-measures-esc"),
    # 绩效自评
    pytest.param("self_evaluation", {"lock_version": "²"}, id="self-evaluation-lock-version-superscript"),
    pytest.param("self_evaluation", {"rows-0-indicator_id": "١٢"}, id="self-evaluation-indicator-id-arabic-indic"),
    pytest.param("self_evaluation", {"rows-0-weight": "1e30"}, id="self-evaluation-weight-1e30"),
    pytest.param("self_evaluation", {"full_year_budget": "9" * 30}, id="self-evaluation-budget-30-digits"),
    pytest.param("self_evaluation", {"outcome": "完成\x00"}, id="self-evaluation-outcome-nul"),
    pytest.param("self_evaluation", {"rows-0-reason": "因" * 100_000}, id="self-evaluation-reason-100k"),
    # 预警说明
    pytest.param("alert", {"reason": "推迟\x00"}, id="alert-reason-nul"),
    pytest.param("alert", {"lock_version": "²"}, id="alert-lock-version-superscript"),
    pytest.param("alert", {"measures": "措" * 100_000}, id="alert-measures-100k"),
    pytest.param("alert", {"catch_up_on": HUGE}, id="alert-catch-up-20-digits"),
    # 系统设置
    pytest.param("settings", {"reminder_days": "9" * 30}, id="settings-reminder-days-30-digits"),
    pytest.param("settings", {"lag-1-threshold": "1e400"}, id="settings-threshold-1e400"),
    pytest.param("settings", {"lock_version": "²", "reminder_days": "14"}, id="settings-lock-version-superscript"),
    pytest.param("settings", {"mail_host": "smtp\x00.example.com"}, id="settings-mail-host-nul"),
    pytest.param("settings", {"extra_units": "单" * 40}, id="settings-extra-unit-40-chars"),
    # users (username String(64), email String(254))
    pytest.param("user_new", {"username": "u" * 65}, id="user-username-65-chars"),
    pytest.param("user_new", {"display_name": "新\x00用户"}, id="user-display-name-nul"),
    pytest.param("user_new", {"email": "a" * 250 + "@example.com"}, id="user-email-262-chars"),
]


def encoded(data: dict) -> bytes:
    """A urlencoded form body; a bytes value is sent as those bytes (another encoding than UTF-8)."""
    text = urlencode({k: v for k, v in data.items() if not isinstance(v, bytes)})
    raw = "&".join(f"{quote(k)}={quote(v)}" for k, v in data.items() if isinstance(v, bytes))
    return (text + ("&" + raw if raw else "")).encode("ascii")


@pytest.mark.parametrize(("form", "changes"), marked("form", FORM_CASES))
def test_a_malformed_form_is_refused_in_chinese_and_writes_nothing(ctx, form, changes):
    who, path, base = FORMS[form]
    ctx.login(ctx.users[who])
    data = {**base(ctx), **changes}
    before = row_counts()
    flask.g.pop("_login_user", None)
    response = ctx.client.post(fill(path, ctx), data=encoded(data), content_type="application/x-www-form-urlencoded")
    assert_page_refused(ctx.client, response, before)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/projects/new", id="project-new-2mb"),
        pytest.param("/projects/{approved}/payments", id="payment-add-2mb"),
        pytest.param("/projects/{approved}/actuals", id="actuals-2mb"),
        pytest.param("/alerts/{alert}", id="alert-answer-2mb"),
        pytest.param("/account", id="account-2mb"),
    ],
)
def test_a_form_body_over_the_request_limit_is_413(ctx, path):
    ctx.login(ctx.users["owner"])
    body = encoded({"note": "x" * BIG_FORM})
    before = row_counts()
    flask.g.pop("_login_user", None)
    response = ctx.client.post(fill(path, ctx), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413, response.status_code
    assert "提交的内容过大" in response.get_data(as_text=True)
    assert_page_refused(ctx.client, response, before)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_base_form_is_accepted_as_it_is(ctx, form):
    """The control: each form as the cases start from it is saved, so a case's refusal is its one change's."""
    who, path, base = FORMS[form]
    ctx.login(ctx.users[who])
    data = base(ctx)
    flask.g.pop("_login_user", None)
    response = ctx.client.post(fill(path, ctx), data=encoded(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, messages_of(response.get_data(as_text=True))


# --- (b) JSON API bodies -----------------------------------------------------------------------------


def api_payment(c) -> dict:
    return {
        "project_code": CODE,
        "date": "2024-07-01",
        "amount_yuan": "100.00",
        "voucher_no": "PZ-MALF-1",
        "note": "维护费",
    }


def api_project(c) -> dict:
    from perf.api import examples

    return json.loads(json.dumps({**examples.NEW_PROJECT, "code": "APIMALF1", "unit_id": c.own_unit}))


def api_entries(c) -> dict:
    flask.g.pop("_login_user", None)
    rows = c.api("GET", f"/api/v1/projects/{c.approved}/self-evaluation/entries", "owner").get_json()["rows"]
    keep = ("indicator_id", "weight", "band", "band_score", "reason")
    return {"rows": [{k: row[k] for k in keep if row.get(k) is not None} for row in rows], "outcome": "按计划完成"}


def etag(c, path: str) -> dict:
    flask.g.pop("_login_user", None)
    return {"If-Match": c.api("GET", path, "owner").headers["ETag"]}


#: Each API body: who sends it, how, where, a valid body, and the headers it needs.
APIS = {
    "payment": ("owner", "POST", "/api/v1/payments", api_payment, None),
    "bulk": ("owner", "POST", "/api/v1/payments/bulk", lambda c: {"payments": [api_payment(c)]}, None),
    "project_new": ("owner", "POST", "/api/v1/projects", api_project, None),
    "project_update": (
        "owner",
        "PUT",
        "/api/v1/projects/{draft}",
        lambda c: {k: v for k, v in api_project(c).items() if k not in ("year", "unit_id")} | {"code": "DRAFT1"},
        lambda c: etag(c, f"/api/v1/projects/{c.draft}"),
    ),
    "actual": (
        "owner",
        "PUT",
        "/api/v1/projects/{approved}/indicators/{indicator}/actuals/2024-12-31",
        lambda c: {"value": "45%", "note": "1—6月数据", "reason": "超额完成"},
        None,
    ),
    "entries": (
        "owner",
        "PUT",
        "/api/v1/projects/{approved}/self-evaluation/entries",
        api_entries,
        lambda c: {"If-Match": '"0"'},
    ),
    "answer": (
        "owner",
        "POST",
        "/api/v1/alerts/{alert}/answer",
        lambda c: {"reason": "合同签订推迟", "measures": "8月完成招标后集中支付", "catch_up_on": "2024-09-30"},
        None,
    ),
    "settings": ("admin", "PUT", "/api/v1/settings", lambda c: {"reminder_days": 14}, None),
    "scan": ("admin", "POST", "/api/v1/scans", lambda c: {"as_of": "2024-07-01"}, None),
}


def raw(field: str, text: str):
    """The valid body with ``field`` set to the JSON text ``text`` as written (1e400, a huge integer …)."""

    def body(base: dict) -> bytes:
        marker = "@@raw@@"
        return json.dumps({**base, field: marker}, ensure_ascii=False).replace(f'"{marker}"', text).encode()

    return body


def nested(depth: int, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def deep_object(depth: int) -> dict:
    value: object = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


def first_row(**changes):
    """The entries body with its first row changed."""

    def body(base: dict) -> dict:
        rows = [dict(base["rows"][0], **changes), *base["rows"][1:]]
        return {**base, "rows": rows}

    return body


def first_indicator(**changes):
    def body(base: dict) -> dict:
        return {**base, "indicators": [dict(base["indicators"][0], **changes), *base["indicators"][1:]]}

    return body


def gbk_note(base: dict) -> bytes:
    """The body with a note in GBK bytes: not UTF-8 (nor valid JSON text once decoded as such)."""
    return json.dumps({**base, "note": "@@"}, ensure_ascii=False).encode().replace(b"@@", "维护费".encode("gbk"))


API_CASES = [
    # 支付 (voucher_no String(64), amount Numeric(16, 2))
    pytest.param("payment", {"voucher_no": "P" * 65}, None, id="payment-voucher-65-chars"),
    pytest.param("payment", {"refund_of": "P" * 65, "amount_yuan": "-1.00"}, None, id="payment-refund-of-65-chars"),
    pytest.param("payment", {"note": LONG_NOTE}, None, id="payment-note-100k-chars"),
    pytest.param("payment", {"project_code": "A" * 41}, None, id="payment-project-code-41-chars"),
    pytest.param("payment", {"amount_yuan": "9" * 27}, None, id="payment-amount-27-digits"),
    pytest.param("payment", {"amount_yuan": "9" * 40}, None, id="payment-amount-40-digits"),
    pytest.param("payment", {"amount_yuan": "1e400"}, None, id="payment-amount-1e400-text"),
    pytest.param("payment", raw("amount_yuan", "1e400"), None, id="payment-amount-1e400-number"),
    pytest.param("payment", raw("amount_yuan", "9" * 40), None, id="payment-amount-40-digit-integer"),
    pytest.param("payment", {"amount_yuan": "100.1234567891"}, None, id="payment-amount-10-decimals"),
    pytest.param("payment", {"amount_yuan": ["100.00"]}, None, id="payment-amount-list-not-text"),
    pytest.param("payment", {"voucher_no": "PZ\x00001"}, None, id="payment-voucher-nul"),
    pytest.param("payment", {"note": "维护\x07费"}, None, id="payment-note-bel"),
    pytest.param("payment", {"project_code": CODE + "\x1b"}, None, id="payment-project-code-esc"),
    pytest.param("payment", {"date": "2024-07-01\x00"}, None, id="payment-date-nul"),
    pytest.param("payment", {"note": nested(500)}, None, id="payment-note-nested-500"),
    pytest.param("payment", lambda base: nested(500, base), None, id="payment-body-nested-500-lists"),
    pytest.param("payment", lambda base: deep_object(500), None, id="payment-body-nested-500-objects"),
    pytest.param("payment", lambda base: [base], None, id="payment-body-list-not-object"),
    pytest.param("payment", lambda base: "PZ-1", None, id="payment-body-string-not-object"),
    pytest.param("payment", gbk_note, None, id="payment-body-gbk-bytes"),
    pytest.param(
        "payment", lambda base: b"\xff\xfe" + json.dumps(base).encode("utf-16-le"), None, id="payment-body-utf16"
    ),
    pytest.param("payment", lambda base: b'{"note": "' + b"x" * BIG_FORM + b'"}', None, id="payment-body-2mb"),
    pytest.param("bulk", {"payments": "PZ-1"}, None, id="bulk-payments-string-not-list"),
    pytest.param("bulk", {"payments": ["PZ-1", 7]}, None, id="bulk-items-not-objects"),
    pytest.param(
        "bulk",
        lambda base: {"payments": [dict(base["payments"][0], amount_yuan="9" * 40)]},
        None,
        id="bulk-amount-40-digits",
    ),
    pytest.param("bulk", lambda base: {"payments": nested(500)}, None, id="bulk-nested-500"),
    # 绩效目标表
    pytest.param("project_new", {"name": "项" * 201}, None, id="project-name-201-chars"),
    pytest.param("project_new", {"code": "A" * 41}, None, id="project-code-41-chars"),
    pytest.param("project_new", first_indicator(level1="产出指标" * 10), None, id="project-level1-40-chars"),
    pytest.param("project_new", first_indicator(name="名" * 201), None, id="project-indicator-name-201-chars"),
    pytest.param("project_new", {"total": "9" * 30, "fiscal": "9" * 30}, None, id="project-total-30-digits"),
    pytest.param("project_new", {"total": "1e400", "fiscal": "1e400"}, None, id="project-total-1e400"),
    pytest.param("project_new", raw("total", "1e400"), None, id="project-total-1e400-number"),
    pytest.param(
        "project_new", {"total": "10.1234567891", "fiscal": "10.1234567891"}, None, id="project-total-10-decimals"
    ),
    pytest.param("project_new", {"spend_plan": ["20", "1e30", "80", "100"]}, None, id="project-plan-percent-1e30"),
    pytest.param("project_new", {"purpose": "举办\x00培训"}, None, id="project-purpose-nul"),
    pytest.param("project_new", {"unit_id": "١"}, None, id="project-unit-id-arabic-indic-text"),
    pytest.param("project_new", raw("unit_id", HUGE), None, id="project-unit-id-20-digits"),
    pytest.param("project_new", raw("year", "1e400"), None, id="project-year-1e400"),
    pytest.param("project_new", {"indicators": "产出指标"}, None, id="project-indicators-string-not-list"),
    pytest.param("project_new", {"unit_id": "本级"}, None, id="project-unit-id-text-not-number"),
    pytest.param("project_new", {"year": "二〇二四"}, None, id="project-year-text-not-number"),
    pytest.param("project_update", {"name": "改名"}, {"If-Match": '"²"'}, id="project-update-if-match-superscript"),
    pytest.param("project_update", {"name": "改名"}, {"If-Match": f'"{HUGE}"'}, id="project-update-if-match-20-digits"),
    pytest.param("project_update", {"name": "改\x00名"}, None, id="project-update-name-nul"),
    # 实际完成值
    pytest.param("actual", {"value": "9" * 201}, None, id="actual-value-201-chars"),
    pytest.param("actual", {"value": "9" * 40 + "%"}, None, id="actual-value-40-digits"),
    pytest.param("actual", {"value": "1e400%"}, None, id="actual-value-1e400"),
    pytest.param("actual", {"note": LONG_NOTE}, None, id="actual-note-100k-chars"),
    pytest.param("actual", {"value": "96\x00%"}, None, id="actual-value-nul"),
    pytest.param("actual", {"reason": "\x1b[31m超额"}, None, id="actual-reason-esc"),
    pytest.param("actual", {"value": 96}, None, id="actual-value-number-not-text"),
    pytest.param("actual", {"value": "45%"}, {"If-Match": '"١"'}, id="actual-if-match-arabic-indic"),
    # 绩效自评
    pytest.param("entries", first_row(indicator_id="١٢"), None, id="entries-indicator-id-arabic-indic"),
    pytest.param("entries", first_row(indicator_id=int(HUGE)), None, id="entries-indicator-id-20-digits"),
    pytest.param("entries", first_row(weight="1e30"), None, id="entries-weight-1e30"),
    pytest.param("entries", raw("outcome", "1e400"), None, id="entries-outcome-1e400-not-text"),
    pytest.param("entries", {"outcome": "完成\x00"}, None, id="entries-outcome-nul"),
    pytest.param("entries", {"rows": "rows"}, None, id="entries-rows-string-not-list"),
    pytest.param("entries", {}, {"If-Match": '"²"'}, id="entries-if-match-superscript"),
    # 预警说明
    pytest.param("answer", {"reason": "推迟\x00"}, None, id="answer-reason-nul"),
    pytest.param("answer", {"measures": "措" * 100_000}, None, id="answer-measures-100k"),
    pytest.param("answer", {"catch_up_on": HUGE}, None, id="answer-catch-up-20-digits"),
    pytest.param("answer", {"reason": 7}, None, id="answer-reason-number-not-text"),
    # 系统设置
    pytest.param("settings", raw("reminder_days", "1e400"), None, id="settings-reminder-days-1e400"),
    pytest.param("settings", raw("reminder_days", "9" * 30), None, id="settings-reminder-days-30-digits"),
    pytest.param("settings", {"reminder_days": "九"}, None, id="settings-reminder-days-text"),
    pytest.param("settings", {"lag_rules": "ratio_below"}, None, id="settings-lag-rules-string-not-list"),
    pytest.param("settings", {"extra_units": ["单" * 40]}, None, id="settings-extra-unit-40-chars"),
    pytest.param("settings", {"mail_host": "smtp\x00.example.com"}, None, id="settings-mail-host-nul"),
    pytest.param("settings", {"lag_rules": nested(500)}, None, id="settings-lag-rules-nested-500"),
    pytest.param("settings", lambda base: [base], None, id="settings-body-list-not-object"),
    pytest.param("settings", {"reminder_days": 20}, {"If-Match": '"²"'}, id="settings-if-match-superscript"),
    pytest.param("settings", lambda base: b'{"mail_host": "' + b"x" * BIG_FORM + b'"}', None, id="settings-body-2mb"),
    pytest.param("scan", {"as_of": "garbage"}, None, id="scan-as-of-garbage"),
    pytest.param("scan", {"as_of": HUGE}, None, id="scan-as-of-20-digits"),
]


def send(c, name: str, changes, headers):
    who, method, path, base, needs = APIS[name]
    body = base(c)
    body = changes(body) if callable(changes) else {**body, **changes}
    sent = {**(needs(c) if needs else {}), **(headers or {})}
    flask.g.pop("_login_user", None)
    if isinstance(body, bytes):
        return c.api(method, fill(path, c), who, headers=sent, data=body, content_type="application/json")
    return c.api(method, fill(path, c), who, headers=sent, json=body)


@pytest.mark.parametrize(("name", "changes", "headers"), marked("api", API_CASES))
def test_a_malformed_api_body_is_a_4xx_envelope_in_chinese_and_writes_nothing(ctx, name, changes, headers):
    before = row_counts()
    response = send(ctx, name, changes, headers)
    assert_api_refused(response, before)


@pytest.mark.parametrize("name", sorted(APIS))
def test_every_base_api_body_is_accepted_as_it_is(ctx, name):
    """The control: each body as the cases start from it is accepted."""
    response = send(ctx, name, {}, None)
    assert response.status_code in (200, 201, 202), response.get_json()


# --- (c) URL paths and query parameters ---------------------------------------------------------------

ARABIC_12 = quote("١٢")
SUPER_2 = quote("²")

URL_CASES = [
    pytest.param("owner", "get", f"/projects/new?year={HUGE}", id="new-project-year-20-digits"),
    pytest.param("owner", "get", f"/projects/new?copy={HUGE}", id="new-project-copy-20-digits"),
    pytest.param("owner", "get", f"/projects/new?copy={SUPER_2}", id="new-project-copy-superscript"),
    pytest.param("owner", "get", f"/projects/new?copy={ARABIC_12}", id="new-project-copy-arabic-indic"),
    pytest.param("owner", "get", "/projects/new?year=%00", id="new-project-year-nul"),
    pytest.param("reviewer", "get", f"/departments/306/{HUGE}", id="department-year-20-digits"),
    pytest.param("reviewer", "get", f"/departments/{'9' * 30}/2024", id="department-code-30-chars"),
    pytest.param("reviewer", "get", "/departments/306%00/2024", id="department-code-nul"),
    pytest.param(
        "reviewer", "get", f"/departments/306/2024?page={HUGE}&per_page={HUGE}", id="department-page-20-digits"
    ),
    pytest.param("reviewer", "get", "/departments/306/2024?page=1e400&per_page=%C2%B2", id="department-page-1e400"),
    pytest.param("reviewer", "get", "/departments/306/2024/dashboard?as_of=garbage", id="dashboard-as-of-garbage"),
    pytest.param("reviewer", "get", f"/departments/306/2024/dashboard?as_of={HUGE}", id="dashboard-as-of-20-digits"),
    pytest.param("reviewer", "get", f"/departments/306/2024/midyear?page={HUGE}", id="midyear-page-20-digits"),
    pytest.param(
        "reviewer", "get", "/departments/306/2024/self-evaluations?per_page=1e400", id="summary-per-page-1e400"
    ),
    pytest.param("owner", "get", "/projects/{approved}/actuals?as_of=garbage", id="actuals-as-of-garbage"),
    pytest.param("owner", "get", "/projects/{approved}/actuals?as_of=99999-12-31", id="actuals-as-of-year-99999"),
    pytest.param("owner", "get", "/projects/{approved}/actuals?as_of=2024-06-30%00", id="actuals-as-of-nul"),
    pytest.param(
        "reviewer", "get", f"/projects/{{approved}}/versions?a={SUPER_2}&b={ARABIC_12}", id="versions-non-ascii-digits"
    ),
    pytest.param("reviewer", "get", f"/projects/2024/{'A' * 41}", id="project-code-41-chars"),
    pytest.param("reviewer", "get", f"/projects/{HUGE}/{CODE}", id="project-year-20-digits"),
    pytest.param("reviewer", "get", f"/projects/2024/{CODE}%00", id="project-code-nul"),
    pytest.param("owner", "get", "/alerts?as_of=garbage", id="alerts-as-of-garbage"),
    pytest.param("owner", "get", f"/inbox?page={HUGE}", id="inbox-page-20-digits"),
    pytest.param("reviewer", "get", f"/queue?page={HUGE}&unit_id={ARABIC_12}", id="queue-page-20-digits"),
    pytest.param("owner", "get", "/projects/parse-value?value=1e400", id="parse-value-1e400"),
    pytest.param("owner", "get", f"/projects/parse-value?value={'9' * 40}%25", id="parse-value-40-digits"),
    pytest.param("owner", "get", f"/jobs/{HUGE}", id="job-id-20-digits"),
    pytest.param("owner", "get", f"/imports/{HUGE}", id="import-id-20-digits"),
    pytest.param("admin", "get", f"/admin/users/{HUGE}", id="user-id-20-digits"),
    pytest.param("admin", "get", f"/admin/users?page={HUGE}", id="users-page-20-digits"),
    pytest.param("owner", "post", f"/projects/{HUGE}/submit", id="submit-project-20-digits"),
    pytest.param("reviewer", "post", f"/alerts/{HUGE}/close", id="close-alert-20-digits"),
    pytest.param("owner", "post", f"/projects/{HUGE}/midyear", id="midyear-save-20-digits"),
]

API_URL_CASES = [
    pytest.param("owner", "GET", f"/api/v1/projects?year={HUGE}", id="projects-year-20-digits"),
    pytest.param("owner", "GET", f"/api/v1/projects?unit_id={HUGE}", id="projects-unit-id-20-digits"),
    pytest.param("owner", "GET", f"/api/v1/projects?page={HUGE}", id="projects-page-20-digits"),
    pytest.param("owner", "GET", "/api/v1/projects?per_page=1e400", id="projects-per-page-1e400"),
    pytest.param("owner", "GET", f"/api/v1/projects?year={ARABIC_12}", id="projects-year-arabic-indic"),
    pytest.param("owner", "GET", f"/api/v1/projects?code={'A' * 41}%00", id="projects-code-nul"),
    pytest.param("owner", "GET", f"/api/v1/payments?project_id={HUGE}", id="payments-project-id-20-digits"),
    pytest.param("owner", "GET", "/api/v1/payments?date_from=garbage", id="payments-date-from-garbage"),
    pytest.param("owner", "GET", f"/api/v1/payments?year={SUPER_2}", id="payments-year-superscript"),
    pytest.param("owner", "GET", f"/api/v1/payments?voucher_no={'P' * 65}", id="payments-voucher-65-chars"),
    pytest.param("owner", "POST", f"/api/v1/payments?year={HUGE}", id="create-payment-year-20-digits"),
    pytest.param("owner", "GET", f"/api/v1/alerts?project_id={HUGE}", id="alerts-project-id-20-digits"),
    pytest.param("reviewer", "GET", f"/api/v1/audit?project_id={ARABIC_12}", id="audit-project-id-arabic-indic"),
    pytest.param("reviewer", "GET", f"/api/v1/audit?actor={'a' * 101}", id="audit-actor-101-chars"),
    pytest.param(
        "owner", "GET", "/api/v1/projects/{approved}/actuals?latest_on=garbage", id="actuals-latest-on-garbage"
    ),
    pytest.param(
        "owner",
        "GET",
        f"/api/v1/projects/{{approved}}/indicators/{HUGE}/actuals/2024-06-30",
        id="actual-indicator-20-digits",
    ),
    pytest.param(
        "owner", "GET", "/api/v1/projects/{approved}/indicators/{indicator}/actuals/garbage", id="actual-as-of-garbage"
    ),
    pytest.param(
        "owner",
        "GET",
        "/api/v1/projects/{approved}/indicators/{indicator}/actuals/99999-01-01",
        id="actual-as-of-year-99999",
    ),
    pytest.param("admin", "GET", "/api/v1/scans/2024-02-30/projects", id="scan-as-of-impossible-date"),
    pytest.param("owner", "DELETE", "/api/v1/payments/{payment}?reason=%00", id="delete-payment-reason-nul"),
    pytest.param(
        "owner", "DELETE", f"/api/v1/payments/{{payment}}?reason={'因' * 2001}", id="delete-payment-reason-2001-chars"
    ),
    pytest.param("owner", "POST", f"/api/v1/projects/{HUGE}/submit", id="submit-project-20-digits"),
]


@pytest.mark.parametrize(("who", "method", "path"), marked("url", URL_CASES))
def test_a_malformed_url_answers_a_page_in_chinese_and_writes_nothing(ctx, who, method, path):
    ctx.login(ctx.users[who])
    before = row_counts()
    flask.g.pop("_login_user", None)
    response = getattr(ctx.client, method)(fill(path, ctx))
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert "Traceback" not in body
    text = json.dumps(response.get_json(), ensure_ascii=False) if response.is_json else visible(body)
    assert CJK.search(text) or response.status_code == 302, body[:2000]
    assert changed(before, row_counts()) == {}


@pytest.mark.parametrize(("who", "method", "path"), marked("api-url", API_URL_CASES))
def test_a_malformed_api_url_is_a_4xx_envelope_in_chinese_and_writes_nothing(ctx, who, method, path):
    before = row_counts()
    flask.g.pop("_login_user", None)
    response = ctx.api(method, fill(path, ctx), who)
    assert_api_refused(response, before)


# --- (d) file imports: the CLI, the 导入数据 page, POST /api/v1/imports, the settings file ----------------


def table_csv(header: list, rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def table_xlsx(header: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_entries(data: bytes, entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def declared_huge(data: bytes, folder: str) -> bytes:
    """A zip bomb's signature: one more part whose zip headers declare 2 GB unpacked (the bytes are small)."""
    name = f"{folder}/media/bomb.bin".encode()
    data = bytearray(with_entries(data, {name.decode(): b"\x00" * 1024}))
    huge = struct.pack("<I", 0x7FFF_FFFF)
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", data, at + name_length_at)[0]
            if bytes(data[at + name_at : at + name_at + length]) == name:
                data[at + size_at : at + size_at + 4] = huge
            at = data.find(signature, at + 4)
    return bytes(data)


def many_parts(data: bytes, folder: str, count: int = 10_001) -> bytes:
    """A zip of more than 10,000 parts (each empty)."""
    return with_entries(data, {f"{folder}/media/p{n}.bin": b"" for n in range(count)})


GARBAGE = bytes(range(256)) * 40 + b"\xff\xfe\x00\x81\x30"


# payments: 项目编码, 支付日期, 金额（元）, 凭证号, 摘要
PAY_HEADER = ["项目编码", "支付日期", "金额（元）", "凭证号", "摘要", "原凭证号"]
PAY_ROW = {
    "项目编码": CODE,
    "支付日期": "2024-07-01",
    "金额（元）": "100.00",
    "凭证号": "PZ-M001",
    "摘要": "维护费",
    "原凭证号": "",
}


def payments(fmt: str = "csv", encoding: str = "utf-8", **changes):
    row = [{**PAY_ROW, **changes}[column] for column in PAY_HEADER]
    if fmt == "xlsx":
        return lambda: (table_xlsx(PAY_HEADER, [row]), "支付.xlsx")
    return lambda: (table_csv(PAY_HEADER, [row], encoding), "支付.csv")


# flat target tables: the generated 马踏镇 tables (tests/documents/flat_files.py), one cell changed
FLAT_COLUMN = {name: i for i, name in enumerate(flat.HEADER)}


def targets(fmt: str = "xlsx", row: int = 1, **changes):
    def build():
        rows = flat.flat_rows()
        for column, value in changes.items():
            rows[row][FLAT_COLUMN[column] if column in FLAT_COLUMN else int(column)] = value
        if fmt == "csv":
            return flat.csv_bytes(rows, encoding="utf-8"), "绩效目标表.csv"
        return flat.xlsx(rows), "绩效目标表.xlsx"

    return build


# 部门预算公开 documents (tests/documents/docx_builder.py): 306 with one new project, one field changed
def disclosure(fmt: str = "docx", spec: dict | None = None, **project):
    def build():
        changes = {"code": "13020724P00MALF00001", "title": "测试维护费", **project}
        document = docs.Spec(projects=[docs.Project(**changes)], **(spec or {}))
        if fmt == "docx":
            return docs.to_docx(document), "部门预算.docx"
        return docs.to_text(document).encode("utf-8"), "部门预算.txt"

    return build


def indicators(**first):
    rows = list(docs.INDICATORS)
    level1, level2, name, description, value, basis = rows[0]
    values = {"level1": level1, "level2": level2, "name": name, "description": description, "value": value}
    values.update(first)
    rows[0] = (values["level1"], values["level2"], values["name"], values["description"], values["value"], basis)
    return rows


# 实际完成值: 项目编码, 一级指标, 三级指标, 实际完成值, 偏差原因, 备注
ACT_HEADER = ["项目编码", "一级指标", "三级指标", "实际完成值", "偏差原因", "备注"]
ACT_ROW = {
    "项目编码": CODE,
    "一级指标": "产出指标",
    "三级指标": "提供材料比例",
    "实际完成值": "45%",
    "偏差原因": "",
    "备注": "",
}


def actuals(fmt: str = "csv", **changes):
    row = [{**ACT_ROW, **changes}[column] for column in ACT_HEADER]
    if fmt == "xlsx":
        return lambda: (table_xlsx(ACT_HEADER, [row]), "实际完成值.xlsx")
    return lambda: (table_csv(ACT_HEADER, [row]), "实际完成值.csv")


def garbage(name: str):
    return lambda: (GARBAGE, name)


def bomb(kind: str, how):
    """An .xlsx (payments, targets, actuals) or .docx (disclosure) made a bomb by ``how``."""

    def build():
        if kind == "disclosure":
            data, name, folder = docs.to_docx(docs.Spec()), "部门预算.docx", "word"
        elif kind == "targets":
            data, name, folder = flat.xlsx(), "绩效目标表.xlsx", "xl"
        elif kind == "actuals":
            data, name, folder = actuals("xlsx")()[0], "实际完成值.xlsx", "xl"
        else:
            data, name, folder = payments("xlsx")()[0], "支付.xlsx", "xl"
        return how(data, folder), name

    return build


def utf16le(build):
    """The same file as UTF-16 without a byte-order mark."""

    def rebuilt():
        data, name = build()
        return data.decode("utf-8").encode("utf-16-le"), name

    return rebuilt


CLI = {
    "payments": "import-payments",
    "targets": "import-targets",
    "disclosure": "import-disclosure",
    "actuals": "import-actuals",
}

#: (kind, file, channels): the file (built when the case runs) and where it is sent.
FILES = [
    # payments (CSV / XLSX)
    ("payments", "voucher-65-chars", payments(凭证号="P" * 65), "cli page api"),
    ("payments", "refund-of-65-chars", payments(原凭证号="P" * 65, **{"金额（元）": "-1.00"}), "cli"),
    ("payments", "project-code-41-chars", payments(项目编码="A" * 41), "cli"),
    ("payments", "note-100k-chars", payments(摘要=NOTE_100K), "cli page"),
    ("payments", "amount-27-digits", payments(**{"金额（元）": "9" * 27}), "cli page api"),
    ("payments", "amount-40-digits", payments(**{"金额（元）": "9" * 40}), "cli"),
    ("payments", "amount-1e400", payments(**{"金额（元）": "1e400"}), "cli"),
    ("payments", "amount-10-decimals", payments(**{"金额（元）": "100.1234567891"}), "cli"),
    ("payments", "xlsx-amount-40-digits", payments("xlsx", **{"金额（元）": int("9" * 40)}), "cli"),
    ("payments", "xlsx-amount-10-decimals", payments("xlsx", **{"金额（元）": Decimal("100.1234567891")}), "cli"),
    ("payments", "xlsx-voucher-65-chars", payments("xlsx", 凭证号="P" * 65), "cli"),
    ("payments", "voucher-nul", payments(凭证号="PZ\x00001"), "cli page"),
    ("payments", "note-bel", payments(摘要="维护\x07费"), "cli"),
    ("payments", "project-code-esc", payments(项目编码=CODE + "\x1b"), "cli"),
    ("payments", "date-nul", payments(支付日期="2024-07-01\x00"), "cli page api"),
    ("payments", "utf16le-without-bom", utf16le(payments()), "cli page"),
    ("payments", "binary-garbage-csv", garbage("支付.csv"), "cli page api"),
    ("payments", "binary-garbage-xlsx", garbage("支付.xlsx"), "cli api"),
    ("payments", "xlsx-declares-2gb", bomb("payments", lambda d, f: declared_huge(d, f)), "cli page"),
    ("payments", "xlsx-10001-parts", bomb("payments", many_parts), "cli"),
    # flat target tables
    ("targets", "department-code-30-chars", targets(row=0, **{"0": "8" * 30 + "-马踏镇部门"}), "cli page"),
    ("targets", "unit-code-31-chars", targets(单位名称="8" * 31 + "-井研县马踏镇人民政府"), "cli"),
    ("targets", "project-code-41-chars", targets(项目编码="5" * 41), "cli page api"),
    ("targets", "project-name-201-chars", targets(项目名称="项" * 201), "cli"),
    ("targets", "level1-40-chars", targets(一级指标="产出指标" * 10), "cli api"),
    ("targets", "level3-201-chars", targets(三级指标="名" * 201), "cli"),
    ("targets", "budget-30-digits", targets(预算数="9" * 30), "cli"),
    ("targets", "budget-1e400", targets(预算数="1e400"), "cli"),
    ("targets", "budget-10-decimals", targets(预算数="3309840.1234567891"), "cli"),
    ("targets", "weight-1e30", targets(权重="1e30"), "cli"),
    ("targets", "value-40-digits", targets(指标值="9" * 40), "cli"),
    ("targets", "csv-name-nul", targets("csv", 项目名称="镇村\x00道路"), "cli page"),
    ("targets", "csv-level3-esc", targets("csv", 三级指标="\x1b[31m里程"), "cli"),
    ("targets", "utf16le-without-bom", utf16le(targets("csv")), "cli"),
    ("targets", "binary-garbage-xlsx", garbage("绩效目标表.xlsx"), "cli page"),
    ("targets", "xlsx-declares-2gb", bomb("targets", lambda d, f: declared_huge(d, f)), "cli api"),
    ("targets", "xlsx-10001-parts", bomb("targets", many_parts), "cli"),
    # 部门预算公开 .docx (and its text export, for the control characters a .docx cannot hold)
    ("disclosure", "department-code-30-chars", disclosure(spec={"code": "3" * 30}), "cli page"),
    ("disclosure", "project-code-41-chars", disclosure(code="1" * 41), "cli api"),
    ("disclosure", "project-name-201-chars", disclosure(name="项" * 201), "cli"),
    ("disclosure", "level1-40-chars", disclosure(indicators=indicators(level1="产出指标" * 10)), "cli page"),
    ("disclosure", "indicator-name-201-chars", disclosure(indicators=indicators(name="名" * 201)), "cli"),
    ("disclosure", "total-30-digits", disclosure(total="9" * 30, fiscal="9" * 30), "cli"),
    ("disclosure", "total-1e400", disclosure(total="1e400", fiscal="1e400"), "cli"),
    ("disclosure", "total-10-decimals", disclosure(total="28.1234567891", fiscal="28.1234567891"), "cli"),
    ("disclosure", "percent-1e30", disclosure(percents=("15%", "1e30%", "85%", "100%")), "cli api"),
    ("disclosure", "txt-purpose-nul", disclosure("txt", purpose="2024年\x00共需支付"), "cli page"),
    ("disclosure", "txt-goal-bel", disclosure("txt", goal="整合\x07政务资源"), "cli"),
    ("disclosure", "binary-garbage-docx", garbage("部门预算.docx"), "cli page api"),
    ("disclosure", "docx-declares-2gb", bomb("disclosure", lambda d, f: declared_huge(d, f)), "cli page"),
    ("disclosure", "docx-10001-parts", bomb("disclosure", many_parts), "cli"),
    # 实际完成值
    ("actuals", "value-201-chars", actuals(实际完成值="9" * 201), "cli page"),
    ("actuals", "value-40-digits", actuals(实际完成值="9" * 40 + "%"), "cli"),
    ("actuals", "value-1e400", actuals(实际完成值="1e400%"), "cli api"),
    ("actuals", "reason-100k-chars", actuals(偏差原因=NOTE_100K), "cli page"),
    ("actuals", "level1-40-chars", actuals(一级指标="产出指标" * 10), "cli"),
    ("actuals", "indicator-201-chars", actuals(三级指标="名" * 201), "cli"),
    ("actuals", "project-code-41-chars", actuals(项目编码="A" * 41), "cli"),
    ("actuals", "value-nul", actuals(实际完成值="45\x00%"), "cli page"),
    ("actuals", "reason-esc", actuals(偏差原因="\x1b[31m偏差"), "cli"),
    ("actuals", "binary-garbage-xlsx", garbage("实际完成值.xlsx"), "cli api"),
    ("actuals", "xlsx-declares-2gb", bomb("actuals", lambda d, f: declared_huge(d, f)), "cli"),
]

FILE_CASES = [
    pytest.param(channel, kind, build, id=f"{channel}-{kind}-{name}")
    for kind, name, build, channels in FILES
    for channel in channels.split()
]


def upload_body(kind: str, data: bytes, filename: str) -> dict:
    return {"kind": kind, "file": (io.BytesIO(data), filename)}


#: Who uploads each kind: the admin the department-wide files (any department's), the reviewer the rows.
UPLOADER = {"payments": "reviewer", "actuals": "reviewer", "targets": "admin", "disclosure": "admin"}


@pytest.mark.parametrize(("channel", "kind", "build"), marked("file", FILE_CASES))
def test_a_malformed_file_is_refused_in_chinese_and_writes_nothing(ctx, runner, tmp_path, channel, kind, build):
    data, filename = build()
    assert len(data) < 256 * 1024 or channel == "cli"  # checked at once, not by a background job
    before = row_counts()
    if channel == "cli":
        path = tmp_path / filename
        path.write_bytes(data)
        assert_cli_refused(runner.invoke(args=["perf", CLI[kind], str(path)]), before)
    elif channel == "page":
        ctx.login(ctx.users[UPLOADER[kind]])
        flask.g.pop("_login_user", None)
        response = ctx.client.post(
            "/imports", data=upload_body(kind, data, filename), content_type="multipart/form-data"
        )
        body = response.get_data(as_text=True)
        assert response.status_code == 302, body[:2000]
        page = ctx.client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Traceback" not in page and 'id="apply-import"' not in page
        assert any(CJK.search(text) for text in messages_of(page)), page[:2000]
        assert_upload_refused(int(response.headers["Location"].rsplit("/", 1)[1]), before)
    else:
        flask.g.pop("_login_user", None)
        started = ctx.api(
            "POST",
            "/api/v1/imports",
            UPLOADER[kind],
            data=upload_body(kind, data, filename),
            content_type="multipart/form-data",
        )
        assert started.status_code == 202, started.get_data(as_text=True)[:2000]
        record = started.get_json()["id"]
        flask.g.pop("_login_user", None)
        shown = ctx.api("GET", f"/api/v1/imports/{record}", UPLOADER[kind]).get_json()
        assert shown["problems"] and all(CJK.search(p["message"]) for p in shown["problems"]), shown
        assert_upload_refused(record, before)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(payments(), id="payments-csv"),
        pytest.param(payments("xlsx"), id="payments-xlsx"),
        pytest.param(targets(), id="targets-xlsx"),
        pytest.param(targets("csv"), id="targets-csv"),
        pytest.param(disclosure(), id="disclosure-docx"),
        pytest.param(disclosure("txt"), id="disclosure-txt"),
        pytest.param(actuals(), id="actuals-csv"),
        pytest.param(actuals("xlsx"), id="actuals-xlsx"),
    ],
)
def test_every_base_file_imports_as_it_is(runner, ctx, tmp_path, build):
    """The control: each file as the cases start from it is checked without a problem on the page and imports
    from the command line, so a case's refusal is its one change's."""
    data, filename = build()
    path = tmp_path / filename
    path.write_bytes(data)
    kind = {"支付": "payments", "绩效目标表": "targets", "部门预算": "disclosure", "实际完成值": "actuals"}[path.stem]
    ctx.login(ctx.users[UPLOADER[kind]])
    flask.g.pop("_login_user", None)
    response = ctx.client.post("/imports", data=upload_body(kind, data, filename), content_type="multipart/form-data")
    record = db.session.get(ImportRecord, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (record.status, record.problems, record.can_apply) == ("checked", [], True)
    result = runner.invoke(args=["perf", CLI[kind], str(path)])
    assert result.exit_code == 0, (result.stdout, result.stderr)


def settings_file(settings: object = None, raw_text: str | None = None, **top) -> bytes:
    """An exported settings file (``{"kind": "perf-settings", "settings": {...}}``) with its parts changed."""
    body = {"kind": "perf-settings", "settings": {"reminder_days": 14} if settings is None else settings, **top}
    text = json.dumps(body, ensure_ascii=False)
    return (text.replace('"@@raw@@"', raw_text) if raw_text is not None else text).encode()


SETTINGS_FILE_CASES = [
    pytest.param(settings_file({"lag_rules": nested(500)}), id="lag-rules-nested-500"),
    pytest.param(json.dumps(deep_object(500)).encode(), id="whole-file-nested-500-objects"),
    pytest.param(json.dumps([{"kind": "perf-settings", "settings": {}}]).encode(), id="list-not-object"),
    pytest.param(settings_file("reminder_days=14"), id="settings-string-not-object"),
    pytest.param(settings_file({"reminder_days": "九"}), id="reminder-days-text-not-number"),
    pytest.param(settings_file({"reminder_days": "@@raw@@"}, "1e400"), id="reminder-days-1e400"),
    pytest.param(settings_file({"reminder_days": "@@raw@@"}, "9" * 30), id="reminder-days-30-digits"),
    pytest.param(
        settings_file({"lag_rules": [["ratio_below", "1e400", "red"], ["always", None, "green"]]}), id="threshold-1e400"
    ),
    pytest.param(settings_file({"mail_host": "smtp\x00.example.com"}), id="mail-host-nul"),
    pytest.param(settings_file({"mail_from": "x" * 100_000 + "@example.com"}), id="mail-from-100k-chars"),
    pytest.param(settings_file({"extra_units": ["单" * 40]}), id="extra-unit-40-chars"),
    pytest.param(settings_file({"webhook_url": "http://robot\x07.example.com"}), id="webhook-url-bel"),
    pytest.param(settings_file({"reminder_days": 14}, kind="perf-settings\x1b"), id="kind-esc"),
    pytest.param(settings_file({"mail_from": "办公室"}).decode().encode("gbk"), id="gbk-bytes"),
    pytest.param(settings_file().decode().encode("utf-16"), id="utf16"),
    pytest.param(GARBAGE, id="binary-garbage"),
]


@pytest.mark.parametrize("data", marked("settings-file", SETTINGS_FILE_CASES))
def test_a_malformed_settings_file_is_refused_in_chinese_and_writes_nothing(ctx, data):
    ctx.login(ctx.users["admin"])
    before = row_counts()
    flask.g.pop("_login_user", None)
    response = ctx.client.post("/settings/import", data={"file": (io.BytesIO(data), "perf-settings.json")})
    assert response.status_code == 422, response.status_code
    assert_page_refused(ctx.client, response, before)
    assert any(CJK.search(text) for text in messages_of(response.get_data(as_text=True)))


def test_the_base_settings_file_imports_as_it_is(ctx):
    """The control: the file the cases start from is taken."""
    ctx.login(ctx.users["admin"])
    flask.g.pop("_login_user", None)
    response = ctx.client.post("/settings/import", data={"file": (io.BytesIO(settings_file()), "perf-settings.json")})
    assert response.status_code == 302, messages_of(response.get_data(as_text=True))


def test_every_known_bug_names_a_case():
    """BUGS holds no stale entry: each names a case of the corpus."""
    assert set(BUGS) == _MARKED
