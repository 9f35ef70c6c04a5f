"""Payments over the API: one, many (all or nothing, at most 10,000), correction with If-Match, deletion."""

import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.spending.models import Payment
from tests.api.conftest import APPROVED_CODE, etag_of


def item(n: int, **changes) -> dict:
    return {
        "project_code": APPROVED_CODE,
        "date": "2024-06-30",
        "amount_yuan": "100.00",
        "voucher_no": f"PZ-B{n:05d}",
        **changes,
    }


def count(session, prefix: str = "PZ-B") -> int:
    return session.scalar(sa.select(sa.func.count(Payment.id)).where(Payment.voucher_no.startswith(prefix)))


def test_create_one_answers_it_with_decimals_as_strings(api, world):
    response = api("POST", "/api/v1/payments", "owner", json=item(1, amount_yuan="98,000.5", note="维护费"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["amount_yuan"] == "98000.50" and body["date"] == "2024-06-30"
    assert body["project_code"] == APPROVED_CODE and body["year"] == 2024 and body["source"] == "fiscal"


def test_create_one_reports_the_import_schemas_messages(api, world):
    response = api("POST", "/api/v1/payments", "owner", json=item(1, amount_yuan=98000.5, date="2024-13-01"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["amount_yuan"] == ['金额请以文本给出（如 "98000.00"），以免浮点误差']
    assert errors["date"] == ["支付日期 2024-13-01 不存在"]
    taken = api("POST", "/api/v1/payments", "owner", json=item(1, voucher_no="PZ-WORLD"))
    assert taken.get_json()["errors"] == {"voucher_no": ["本项目已有凭证号为 PZ-WORLD 的支付记录"]}
    unknown = api("POST", "/api/v1/payments?year=2023", "owner", json=item(1))
    assert unknown.get_json()["errors"] == {"project_code": [f"2023 年度没有项目编码为 {APPROVED_CODE} 的项目"]}


def test_bulk_writes_a_thousand_at_once_and_again_changes_nothing(api, world, session):
    batch = {"payments": [item(n) for n in range(1000)]}
    response = api("POST", "/api/v1/payments/bulk", "owner", json=batch)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] == 1000 and body["unchanged"] == 0 and body["total"] == "100000.00"
    assert len(body["ids"]) == 1000 and count(session) == 1000
    again = api("POST", "/api/v1/payments/bulk", "owner", json=batch).get_json()
    assert again["created"] == 0 and again["unchanged"] == 1000 and count(session) == 1000
    audited = session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "payment.import"))
    assert audited == 1000


def test_one_bad_item_writes_nothing_and_names_index_and_field(api, world, session):
    batch = [item(n) for n in range(500)]
    batch[137]["amount_yuan"] = "12.345"
    batch[402]["voucher_no"] = "PZ-B00003"
    batch[450]["refund_of"] = "NOPE"
    batch[450]["amount_yuan"] = "-5.00"
    response = api("POST", "/api/v1/payments/bulk", "owner", json={"payments": batch})
    assert response.status_code == 422
    envelope = response.get_json()
    assert envelope["message"] == "3 条支付记录有误，全部未保存"
    assert envelope["errors"] == {
        "payments.137.amount_yuan": ["金额最多 2 位小数（精确到分）"],
        "payments.402.voucher_no": [f"凭证号 PZ-B00003 与第 3 条重复（项目 {APPROVED_CODE}）"],
        "payments.450.refund_of": ["本项目没有凭证号为 NOPE 的支付记录，无法退款"],
    }
    assert count(session) == 0


def test_bulk_takes_at_most_ten_thousand(api, world, session):
    response = api("POST", "/api/v1/payments/bulk", "owner", json={"payments": [item(n) for n in range(10_001)]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"payments": ["一次应提交 1 到 10000 条支付记录"]}
    assert api("POST", "/api/v1/payments/bulk", "owner", json={"payments": []}).status_code == 422
    assert count(session) == 0


def test_bulk_of_ten_thousand_is_accepted(api, world, session):
    response = api("POST", "/api/v1/payments/bulk", "owner", json={"payments": [item(n) for n in range(10_000)]})
    assert response.status_code == 201 and response.get_json()["created"] == 10_000
    assert count(session) == 10_000


def test_bulk_for_another_units_project_is_forbidden_and_writes_nothing(api, world, session):
    response = api("POST", "/api/v1/payments/bulk", "other_owner", json={"payments": [item(1), item(2)]})
    assert response.status_code == 403
    assert response.get_json()["errors"]["payments.0.project_code"] == [
        f"无权为项目 {APPROVED_CODE} 录入支付（不是本单位的项目）"
    ]
    assert count(session) == 0


def test_list_filters_by_project_year_and_dates(api, world):
    api("POST", "/api/v1/payments/bulk", "owner", json={"payments": [item(1, date="2024-03-01"), item(2)]})
    url = f"/api/v1/payments?project_id={world.approved}&year=2024&date_from=2024-06-01&date_to=2024-06-30"
    body = api("GET", url, "reviewer").get_json()
    assert body["total"] == 2
    assert [p["voucher_no"] for p in body["items"]] == ["PZ-WORLD", "PZ-B00002"]
    assert api("GET", "/api/v1/payments", "other_owner").get_json()["total"] == 0


def test_correct_needs_the_etag_and_audits(api, world, session):
    url = f"/api/v1/payments/{world.payment}"
    change = {"date": "2024-06-30", "amount_yuan": "1500.00", "voucher_no": "PZ-WORLD"}
    assert api("PUT", url, "owner", json=change).status_code == 428
    etag = etag_of(api, url)
    assert api("PUT", url, "owner", json=change, headers={"If-Match": etag}).get_json()["amount_yuan"] == "1500.00"
    assert (
        api("PUT", url, "owner", json={**change, "amount_yuan": "9.00"}, headers={"If-Match": etag}).status_code == 412
    )
    moved = api("PUT", url, "owner", json={**change, "project_code": "X"}, headers={"If-Match": etag_of(api, url)})
    assert moved.get_json()["errors"] == {"project_code": ["未知字段"]}
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "payment.correct"))
    assert entry.changes["金额（元）"] == ["1000.00", "1500.00"]


def test_delete_is_refused_while_a_refund_names_the_payment(api, world, session):
    refund = {**item(9, amount_yuan="-100.00", refund_of="PZ-WORLD")}
    assert api("POST", "/api/v1/payments", "owner", json=refund).status_code == 201
    refused = api("DELETE", f"/api/v1/payments/{world.payment}", "owner")
    assert refused.status_code == 409 and "请先删除退款" in refused.get_json()["message"]
    refund_id = session.scalar(sa.select(Payment.id).where(Payment.voucher_no == "PZ-B00009"))
    assert api("DELETE", f"/api/v1/payments/{refund_id}", "owner").status_code == 204
    assert api("DELETE", f"/api/v1/payments/{world.payment}", "owner").status_code == 204
    assert api("GET", f"/api/v1/payments/{world.payment}", "owner").status_code == 404
