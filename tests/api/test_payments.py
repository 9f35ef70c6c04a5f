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
    batch = {"payments": [item(n, amount_yuan="10.00") for n in range(10_000)]}  # 100,000.00 元, within the budget
    response = api("POST", "/api/v1/payments/bulk", "owner", json=batch)
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
    change = {"date": "2024-06-30", "amount_yuan": "1500.00", "voucher_no": "PZ-WORLD", "reason": "按凭证更正"}
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
    refused = api("DELETE", f"/api/v1/payments/{world.payment}?reason=重复", "owner")
    assert refused.status_code == 409 and "请先删除退款" in refused.get_json()["message"]
    refund_id = session.scalar(sa.select(Payment.id).where(Payment.voucher_no == "PZ-B00009"))
    assert api("DELETE", f"/api/v1/payments/{refund_id}?reason=重复", "owner").status_code == 204
    assert api("DELETE", f"/api/v1/payments/{world.payment}?reason=重复", "owner").status_code == 204
    assert api("GET", f"/api/v1/payments/{world.payment}", "owner").status_code == 404


# --- confirmations, flags and reasons (budget 28.00 万元 = 280,000.00 元; the world holds 1,000.00 元) ---------


def audit(session, action: str) -> AuditEntry:
    return session.scalar(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc()))


def test_past_the_budget_is_refused_until_confirmed_then_flagged(api, world, session):
    response = api("POST", "/api/v1/payments", "owner", json=item(1, amount_yuan="279000.01"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "amount_yuan": ["这笔支出后累计支付 280,000.01 元，超过预算 280,000.00 元（100.00%），请确认后再保存"],
        "confirmed": ["已核实无误的，请确认后再保存"],
    }
    assert count(session) == 0
    exactly = api("POST", "/api/v1/payments", "owner", json=item(1, amount_yuan="279000.00"))  # 100%: no question
    assert exactly.status_code == 201 and exactly.get_json()["flags"] == []
    over = api("POST", "/api/v1/payments", "owner", json=item(2, amount_yuan="0.01", confirmed=True))
    assert over.status_code == 201, over.get_json()
    assert over.get_json()["flags"] == ["over_budget"] and "confirmed" not in over.get_json()
    listed = api("GET", f"/api/v1/payments?project_id={world.approved}&voucher_no=PZ-B00002", "reviewer").get_json()
    assert listed["items"][0]["flags"] == ["over_budget"]
    assert audit(session, "payment.add").summary == "新增支付 凭证号 PZ-B00002，0.01 元（已确认超预算）"


def test_outside_the_budget_year_is_confirmable_and_flagged_but_far_off_dates_stay_refused(api, world):
    late = item(1, date="2025-01-01")
    assert api("POST", "/api/v1/payments", "owner", json=late).get_json()["errors"] == {
        "date": ["支付日期 2025-01-01 不在 2024 预算年度内，请确认后再保存"],
        "confirmed": ["已核实无误的，请确认后再保存"],
    }
    saved = api("POST", "/api/v1/payments", "owner", json={**late, "confirmed": True}).get_json()
    assert saved["flags"] == ["outside_year"]
    far = api("POST", "/api/v1/payments", "owner", json=item(2, date="2026-01-01", confirmed=True))
    assert far.get_json()["errors"] == {
        "date": ["支付日期 2026-01-01 不在预算年度 2024 年前后一年内（2023-01-01 至 2025-12-31）"]
    }


def test_bulk_decides_past_the_budget_in_the_batchs_order_and_names_each_item(api, world, session):
    batch = [item(0, amount_yuan="278000.00"), item(1, amount_yuan="1000.00"), item(2, amount_yuan="1.00")]
    batch.append(item(3, amount_yuan="5.00"))
    response = api("POST", "/api/v1/payments/bulk", "owner", json={"payments": batch})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert sorted(errors) == [
        "payments.2.amount_yuan",
        "payments.2.confirmed",
        "payments.3.amount_yuan",
        "payments.3.confirmed",
    ]
    assert errors["payments.3.amount_yuan"] == [
        "这笔支出后累计支付 280,006.00 元，超过预算 280,000.00 元（100.00%），请确认后再保存"
    ]
    batch[2]["confirmed"] = batch[3]["confirmed"] = True
    assert api("POST", "/api/v1/payments/bulk", "owner", json={"payments": batch}).status_code == 201
    flagged = session.scalars(sa.select(Payment.voucher_no).where(Payment.over_budget).order_by(Payment.id)).all()
    assert flagged == ["PZ-B00002", "PZ-B00003"]


def test_correcting_needs_a_reason_which_is_audited(api, world, session):
    url = f"/api/v1/payments/{world.payment}"
    change = {"date": "2024-06-30", "amount_yuan": "1200.00", "voucher_no": "PZ-WORLD"}
    for missing in (change, {**change, "reason": ""}, {**change, "reason": None}):
        response = api("PUT", url, "owner", json=missing, headers={"If-Match": etag_of(api, url)})
        assert response.status_code == 422
        assert response.get_json()["errors"] == {"reason": ["请填写更正原因"]}
    too_long = api("PUT", url, "owner", json={**change, "reason": "字" * 2001}, headers={"If-Match": etag_of(api, url)})
    assert too_long.status_code == 422 and list(too_long.get_json()["errors"]) == ["reason"]
    saved = api("PUT", url, "owner", json={**change, "reason": "按凭证更正"}, headers={"If-Match": etag_of(api, url)})
    assert saved.status_code == 200 and saved.get_json()["amount_yuan"] == "1200.00"
    entry = audit(session, "payment.correct")
    assert entry.summary == "更正支付 凭证号 PZ-WORLD。原因：按凭证更正"
    assert entry.changes["更正原因"] == [None, "按凭证更正"]


def test_deleting_needs_a_reason_as_a_query_parameter_or_a_json_body(api, world, session):
    url = f"/api/v1/payments/{world.payment}"
    refused = api("DELETE", url, "owner")
    assert refused.status_code == 422
    assert refused.get_json() == {"code": 422, "message": "请填写删除原因", "errors": {"reason": ["请填写删除原因"]}}
    assert api("DELETE", f"{url}?reason=", "owner").status_code == 422
    assert api("GET", url, "owner").status_code == 200
    assert api("DELETE", url, "owner", json={"reason": "凭证重复录入"}).status_code == 204
    assert audit(session, "payment.delete").summary == "删除支付 凭证号 PZ-WORLD，1000.00 元。原因：凭证重复录入"
    other = api("POST", "/api/v1/payments", "owner", json=item(1)).get_json()
    assert api("DELETE", f"/api/v1/payments/{other['id']}?reason=导入错误", "owner").status_code == 204
    assert audit(session, "payment.delete").changes["删除原因"] == [None, "导入错误"]


def test_control_characters_are_refused_by_name_and_nothing_is_written(api, world, session):
    before = count(session)
    nul = api("POST", "/api/v1/payments", "owner", json=item(9, note="维护\x00费"))  # the body's own check
    assert nul.status_code == 422 and nul.get_json()["errors"]["note"] == ["不能包含 NUL 字符（\\u0000）"]
    for field, value in (("voucher_no", "PZ\x07001"), ("note", "\x1b[31m红")):  # the payment schema's
        response = api("POST", "/api/v1/payments", "owner", json=item(9, **{field: value}))
        assert response.status_code == 422, (field, response.get_json())
        assert response.get_json()["errors"][field] == [
            f"{'摘要' if field == 'note' else '凭证号'}含有不能保存的控制字符（如 NUL），请删除后重新填写"
        ]
    assert count(session) == before
    # a tab and line breaks are text people write: kept (a note's line break stays)
    kept = api("POST", "/api/v1/payments", "owner", json=item(9, note="上半年\n维护费\t已付"))
    assert kept.status_code == 201 and kept.get_json()["note"] == "上半年\n维护费\t已付"
