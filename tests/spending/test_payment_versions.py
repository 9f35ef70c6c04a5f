"""Two people correcting one payment from two open forms: the second save is refused, nothing is lost."""

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
from tests.factories import posted_fields

CODE = "13020724P00X4BL10005W"
FORM = {"date": "2024-06-30", "source": "fiscal", "voucher_no": "PZ001", "note": "维护费"}


@pytest.fixture
def paid(session, users):
    project = project_by_code(CODE, 2024)
    payment = add_payment(project, PaymentData(CODE, date(2024, 6, 30), D("98000"), "PZ001", note="维护费"), "t-owner")
    session.commit()
    return payment


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def version_of(page: str, form_id: str = "payment-form") -> str:
    """The version the form carries (what the browser posts back)."""
    return posted_fields(page, form_id)["lock_version"]


def test_the_second_of_two_open_correction_forms_is_refused_and_keeps_what_was_typed(client, users, login, paid):
    login(users["owner"])
    first = version_of(text(client.get(f"/payments/{paid.id}/edit")))
    second = version_of(text(client.get(f"/payments/{paid.id}/edit")))
    assert first == second == "1"
    one = {**FORM, "amount_yuan": "97,000.00", "reason": "按凭证更正", "lock_version": first}
    assert client.post(f"/payments/{paid.id}/edit", data=one).status_code == 302
    other = {**FORM, "amount_yuan": "96,500.00", "reason": "另一人的更正", "lock_version": second}
    refused = client.post(f"/payments/{paid.id}/edit", data=other)
    page = text(refused)
    assert refused.status_code == 200
    assert "已被他人修改，您的更正未保存" in page and "金额（元） 97,000.00" in page  # what is stored now
    assert 'value="96,500.00"' in page and "另一人的更正" in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Payment, paid.id).amount == D("97000.00")  # the first correction stands
    corrections = db.session.scalars(sa.select(AuditEntry.summary).where(AuditEntry.action == "payment.correct"))
    assert len(corrections.all()) == 1
    # the refused page now carries the version it showed: saving again is a deliberate overwrite
    again = {**other, "lock_version": version_of(page)}
    assert again["lock_version"] == "2"
    assert client.post(f"/payments/{paid.id}/edit", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Payment, paid.id).amount == D("96500.00")


def test_a_deletion_from_a_page_older_than_a_correction_is_refused(client, users, login, paid):
    login(users["owner"])
    page = text(client.get(f"/payments/{paid.id}/edit"))
    delete_version = version_of(page, "delete-payment-form")
    one = {**FORM, "amount_yuan": "97,000.00", "reason": "按凭证更正", "lock_version": version_of(page)}
    assert client.post(f"/payments/{paid.id}/edit", data=one).status_code == 302
    refused = client.post(f"/payments/{paid.id}/delete", data={"reason": "重复录入", "lock_version": delete_version})
    assert "已被他人修改，您的删除未保存" in text(refused)
    db.session.expire_all()
    assert db.session.get(Payment, paid.id) is not None


def test_the_api_refuses_a_second_correction_with_the_same_etag(client, users, login, paid):
    login(users["owner"])
    etag = client.get(f"/api/v1/payments/{paid.id}").headers["ETag"]
    body = {**FORM, "amount_yuan": "97000", "reason": "按凭证更正"}
    assert client.put(f"/api/v1/payments/{paid.id}", json=body, headers={"If-Match": etag}).status_code == 200
    other = {**body, "amount_yuan": "96500"}
    stale = client.put(f"/api/v1/payments/{paid.id}", json=other, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.is_json
    db.session.expire_all()
    assert db.session.get(Payment, paid.id).amount == D("97000.00")


def test_a_correction_that_changes_nothing_leaves_the_version(client, users, login, paid):
    login(users["owner"])
    page = text(client.get(f"/payments/{paid.id}/edit"))
    same = {**FORM, "amount_yuan": "98,000.00", "reason": "核对", "lock_version": version_of(page)}
    answer = client.post(f"/payments/{paid.id}/edit", data=same, follow_redirects=True)
    assert "内容没有变化" in text(answer)
    db.session.expire_all()
    assert db.session.get(Payment, paid.id).lock_version == 1  # another open page is not made stale for nothing
