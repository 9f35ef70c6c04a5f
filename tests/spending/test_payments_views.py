"""Payment pages: owners record, correct and delete; others get 403; refused forms keep what was typed."""

import html
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.extensions import db
from perf.projects.queries import project_by_code
from perf.spending.models import Payment
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment
from perf.spending.views import bp

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元
PAGE = f"/projects/2024/{CODE}"
TYPED = {"date": "2024-06-30", "amount_yuan": "98,000.00", "source": "fiscal", "voucher_no": "PZ001", "note": "维护费"}


@pytest.fixture(scope="module")
def app(app):
    """The suite's app; with the spending blueprint mounted on a twin until perf/__init__.py registers it."""
    if "spending" in app.blueprints:
        yield app
        return
    from perf import create_app

    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "PASSWORD_HASH_METHOD", "SECRET_KEY")
    twin = create_app({key: app.config[key] for key in keys})
    twin.register_blueprint(bp)
    yield twin
    with twin.app_context():
        db.engine.dispose()


@pytest.fixture
def project(users):
    return project_by_code(CODE, 2024)


@pytest.fixture
def owner(client, users, login):
    return login(users["owner"])


@pytest.fixture
def paid(session, project):
    """One payment of 98000元 on the project, committed (requests may roll back)."""
    payment = add_payment(project, PaymentData(CODE, date(2024, 6, 30), D("98000"), "PZ001", note="维护费"), "t-owner")
    session.commit()
    return payment


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def payments(session) -> list[tuple]:
    return [tuple(r) for r in session.execute(sa.select(Payment.voucher_no, Payment.amount).order_by(Payment.id))]


def test_every_spending_route_declares_one_permission(app):
    endpoints = [rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("spending.")]
    assert sorted(endpoints) == ["spending.add_payment", "spending.delete_payment", "spending.edit_payment"]
    for endpoint in endpoints:
        assert getattr(app.view_functions[endpoint], "permission", None) == "project.edit", endpoint


def test_the_project_page_shows_paid_total_and_rate(client, users, login, paid):
    login(users["reviewer"])
    page = text(client.get(PAGE))
    assert '累计支付 <strong class="num">98,000.00</strong> 元' in page
    assert '执行率 <strong class="num">35.00%</strong>' in page
    assert "PZ001" in page and "维护费" in page
    assert 'id="payment-form"' not in page  # reviewers see, never write
    assert "更正/删除" not in page


def test_an_owner_sees_the_entry_form_and_an_empty_list(client, owner, project):
    page = text(client.get(PAGE))
    assert 'id="payment-form"' in page and f'action="/projects/{project.id}/payments"' in page
    assert "暂无支付记录" in page
    assert '执行率 <strong class="num">0.00%</strong>' in page


def test_an_owner_adds_a_payment(client, owner, session, project):
    response = client.post(f"/projects/{project.id}/payments", data=TYPED)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{PAGE}#payments")
    assert payments(session) == [("PZ001", D("98000.00"))]
    page = text(client.get(PAGE))
    assert "已记录：凭证号 PZ001，98,000.00 元" in page
    assert "35.00%" in page
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payment.add"))
    assert (entry.actor, entry.object_id) == ("t-owner", str(project.id))


def test_a_refused_form_keeps_what_was_typed_with_chinese_field_errors(client, owner, session, project):
    typed = {**TYPED, "date": "2024-02-30", "amount_yuan": "98,000.123", "voucher_no": "", "note": "上半年维护费"}
    response = client.post(f"/projects/{project.id}/payments", data=typed)
    assert response.status_code == 200
    page = text(response)
    assert "未保存：3 处问题" in page
    assert "支付日期 2024-02-30 不存在" in page
    assert "金额最多 2 位小数（精确到分）" in page
    assert "请填写凭证号" in page
    for value in ("2024-02-30", "98,000.123", "上半年维护费"):
        assert f'value="{value}"' in page
    assert payments(session) == []


def test_a_rule_error_lands_at_its_field_and_keeps_the_form(client, owner, session, project, paid):
    typed = {**TYPED, "amount_yuan": "-100", "voucher_no": "PZ001", "refund_of": "PZ404"}
    page = text(client.post(f"/projects/{project.id}/payments", data=typed))
    assert "退款（负数金额）" not in page  # the schema was satisfied; the services speak
    assert "本项目已有凭证号为 PZ001 的支付记录" in page
    assert 'value="PZ404"' in page and 'value="-100"' in page
    typed = {**TYPED, "amount_yuan": "-100", "voucher_no": "PZ002", "refund_of": "PZ404"}
    page = text(client.post(f"/projects/{project.id}/payments", data=typed))
    assert "本项目没有凭证号为 PZ404 的支付记录，无法退款" in page
    assert payments(session) == [("PZ001", D("98000.00"))]


def test_an_owner_corrects_a_payment(client, owner, session, paid):
    form = text(client.get(f"/payments/{paid.id}/edit"))
    assert 'value="98000.00"' in form and 'value="PZ001"' in form and 'value="2024-06-30"' in form
    typed = {**TYPED, "amount_yuan": "97000", "note": "网络维护费", "reason": "按凭证更正金额"}
    response = client.post(f"/payments/{paid.id}/edit", data=typed)
    assert response.status_code == 302
    assert payments(session) == [("PZ001", D("97000.00"))]
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payment.correct"))
    assert entry.changes == {
        "金额（元）": ["98000.00", "97000.00"],
        "摘要": ["维护费", "网络维护费"],
        "更正原因": [None, "按凭证更正金额"],
    }


def test_a_refused_correction_keeps_what_was_typed(client, owner, session, paid):
    response = client.post(f"/payments/{paid.id}/edit", data={**TYPED, "date": "2030-01-01", "amount_yuan": "1"})
    page = text(response)
    assert response.status_code == 200
    assert "支付日期 2030-01-01 不在预算年度 2024 年前后一年内（2023-01-01 至 2025-12-31）" in page
    assert 'value="2030-01-01"' in page
    assert payments(session) == [("PZ001", D("98000.00"))]


def test_an_owner_deletes_a_payment(client, owner, session, paid):
    response = client.post(f"/payments/{paid.id}/delete", data={"reason": "重复录入"})
    assert response.status_code == 302
    assert payments(session) == []
    assert "已删除凭证号 PZ001 的支付记录" in text(client.get(PAGE))
    assert session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payment.delete")) is not None


def test_a_refunded_payment_is_not_deleted(client, owner, session, project, paid):
    add_payment(project, PaymentData(CODE, date(2024, 7, 1), D("-100"), "PZ002", refund_of="PZ001"), "t-owner")
    session.commit()
    response = client.post(f"/payments/{paid.id}/delete", data={"reason": "重复录入"})
    assert response.status_code == 200  # the correction page again, the reason kept
    page = text(response)
    assert "凭证号 PZ001 已有退款记录（凭证号 PZ002），请先删除退款" in page
    assert "重复录入</textarea>" in page
    assert len(payments(session)) == 2


@pytest.mark.parametrize("who", ["other_owner", "reviewer", "admin"])
def test_only_owners_of_the_unit_write(client, users, login, session, project, paid, who):
    login(users[who])
    assert client.post(f"/projects/{project.id}/payments", data={**TYPED, "voucher_no": "PZ9"}).status_code == 403
    assert client.get(f"/payments/{paid.id}/edit").status_code == 403
    assert client.post(f"/payments/{paid.id}/edit", data=TYPED).status_code == 403
    assert client.post(f"/payments/{paid.id}/delete").status_code == 403
    assert payments(session) == [("PZ001", D("98000.00"))]


def test_signed_out_writes_are_refused(client, project, paid, login):
    login(None)
    assert client.post(f"/projects/{project.id}/payments", data=TYPED).status_code == 401
    assert client.get(f"/payments/{paid.id}/edit").status_code == 302


def test_unknown_project_or_payment_is_404(client, owner):
    assert client.post("/projects/999999/payments", data=TYPED).status_code == 404
    assert client.get("/payments/999999/edit").status_code == 404
    assert client.post("/payments/999999/delete").status_code == 404


# --- confirmation past the budget / outside the year, marks in the list, reasons -----------------------


def test_a_save_past_the_budget_is_refused_keeping_what_was_typed_and_asks_to_confirm(client, owner, session, project):
    typed = {**TYPED, "amount_yuan": "280,000.01", "note": "全年运维费"}
    response = client.post(f"/projects/{project.id}/payments", data=typed)
    assert response.status_code == 200
    page = text(response)
    assert "这笔支出后累计支付 280,000.01 元，超过预算 280,000.00 元（100.00%），请确认后再保存" in page
    assert 'id="payment-confirm"' in page and "我已核实，仍要保存" in page
    for value in ("2024-06-30", "280,000.01", "PZ001", "全年运维费"):
        assert f'value="{value}"' in page
    assert payments(session) == []
    response = client.post(f"/projects/{project.id}/payments", data={**typed, "confirmed": "y"})
    assert response.status_code == 302
    assert payments(session) == [("PZ001", D("280000.01"))]
    listed = text(client.get(PAGE))
    assert (
        'class="mark mark-over-budget" title="保存这笔支出后累计支付超过项目预算，录入人已核实确认">超预算</span>'
        in listed
    )


def test_the_confirmation_box_shows_only_when_needed(client, owner, project):
    assert 'id="payment-confirm"' not in text(client.get(PAGE))
    page = text(client.post(f"/projects/{project.id}/payments", data={**TYPED, "date": "2024-13-01"}))
    assert 'id="payment-confirm"' not in page  # a date that cannot be read is no question to confirm


def test_a_payment_outside_the_year_is_confirmed_and_marked(client, owner, session, project):
    typed = {**TYPED, "date": "2025-01-01"}
    page = text(client.post(f"/projects/{project.id}/payments", data=typed))
    assert "支付日期 2025-01-01 不在 2024 预算年度内，请确认后再保存" in page
    assert client.post(f"/projects/{project.id}/payments", data={**typed, "confirmed": "y"}).status_code == 302
    assert ">跨年度</span>" in text(client.get(PAGE))


def test_a_correction_needs_a_reason_and_keeps_what_was_typed(client, owner, session, paid):
    form = text(client.get(f"/payments/{paid.id}/edit"))
    assert 'id="save-payment" data-confirm="' in form and 'id="delete-payment" data-confirm="' in form
    response = client.post(f"/payments/{paid.id}/edit", data={**TYPED, "amount_yuan": "97000", "reason": " "})
    assert response.status_code == 200
    page = text(response)
    assert "请填写更正原因" in page and 'value="97000"' in page
    assert payments(session) == [("PZ001", D("98000.00"))]


def test_the_reason_of_a_correction_and_a_deletion_is_on_the_audit_page(client, users, login, session, paid):
    login(users["owner"])
    typed = {**TYPED, "amount_yuan": "97000", "reason": "金额按凭证更正"}
    assert client.post(f"/payments/{paid.id}/edit", data=typed).status_code == 302
    refused = client.post(f"/payments/{paid.id}/delete", data={"reason": ""})
    assert refused.status_code == 200 and "请填写删除原因" in text(refused)
    assert payments(session) == [("PZ001", D("97000.00"))]
    assert client.post(f"/payments/{paid.id}/delete", data={"reason": "凭证重复录入"}).status_code == 302
    login(users["reviewer"])
    audit = text(client.get(f"/projects/{paid.project_id}/audit"))
    assert "更正支付 凭证号 PZ001。原因：金额按凭证更正" in audit
    assert "删除支付 凭证号 PZ001，97,000.00 元。原因：凭证重复录入" in audit
