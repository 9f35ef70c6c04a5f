"""Actual values (read, write), the self-evaluation's scores (read) and the audit log over the API."""

import sqlalchemy as sa

from perf.audit.models import AuditEntry


def test_actual_values_read_and_write(api, world, session):
    base = f"/api/v1/projects/{world.approved}/indicators/{world.indicator}/actuals"
    stored = api("GET", f"{base}/2024-06-30", "reviewer")
    assert stored.status_code == 200 and stored.get_json()["value"] == "41%" and stored.headers["ETag"]
    written = api("PUT", f"{base}/2024-12-31", "owner", json={"value": "45%", "reason": "超额完成"})
    assert written.status_code == 200, written.get_json()
    assert written.get_json()["number"] == "45" and written.get_json()["unit"] == "%"
    listed = api("GET", f"/api/v1/projects/{world.approved}/actuals", "owner").get_json()
    assert [a["as_of"] for a in listed["items"]] == ["2024-06-30", "2024-12-31"]
    latest = api("GET", f"/api/v1/projects/{world.approved}/actuals?latest_on=2024-07-31", "owner").get_json()
    assert [a["value"] for a in latest["items"]] == ["41%"]
    assert session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.actor == "t-owner")) >= 1


def test_actual_value_rules_and_if_match(api, world):
    base = f"/api/v1/projects/{world.approved}/indicators/{world.indicator}/actuals"
    wrong = api("PUT", f"{base}/2024-12-31", "owner", json={"value": "很好"})
    assert wrong.status_code == 422 and "value" in wrong.get_json()["errors"]
    out_of_year = api("PUT", f"{base}/2025-01-01", "owner", json={"value": "45%"})
    assert out_of_year.get_json()["errors"] == {"as_of": ["日期 2025-01-01 不在 2024 预算年度内"]}
    etag = api("GET", f"{base}/2024-06-30", "owner").headers["ETag"]
    assert (
        api("PUT", f"{base}/2024-06-30", "owner", json={"value": "42%"}, headers={"If-Match": etag}).status_code == 200
    )
    assert (
        api("PUT", f"{base}/2024-06-30", "owner", json={"value": "43%"}, headers={"If-Match": etag}).status_code == 412
    )
    assert (
        api(
            "PUT", f"/api/v1/projects/{world.approved}/indicators/999/actuals/2024-06-30", "owner", json={"value": "1%"}
        ).status_code
        == 404
    )


def test_self_evaluation_scores(api, world):
    body = api("GET", f"/api/v1/projects/{world.approved}/self-evaluation", "reviewer").get_json()
    assert set(body) == {"execution", "indicators", "total", "grade", "warning"}
    assert body["execution"]["budget"] == "28.00" and body["grade"] in ("优", "良", "中", "差")
    early = api("GET", f"/api/v1/projects/{world.approved}/self-evaluation?as_of=2024-01-01", "owner").get_json()
    assert early["execution"]["spent"] == "0.00"


def test_audit_log_for_reviewers_and_admins(api, world, users):
    api("POST", f"/api/v1/projects/{world.draft}/submit", "owner", json={})
    owner = api("GET", "/api/v1/audit", "owner")
    assert owner.status_code == 403
    reviewer = api("GET", f"/api/v1/audit?project_id={world.draft}&action=project.submit", "reviewer").get_json()
    assert reviewer["total"] == 1 and reviewer["items"][0]["actor"] == "t-owner"
    # API token entries are about users, not projects: only admins see them
    assert api("GET", "/api/v1/audit?object_type=user", "reviewer").get_json()["total"] == 0
    assert api("GET", "/api/v1/audit?object_type=user", "admin").get_json()["total"] >= 4
    today = api("GET", "/api/v1/audit?since=2000-01-01&until=2999-12-31", "admin").get_json()
    assert today["total"] >= 5
