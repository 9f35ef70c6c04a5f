"""The self-evaluation over the API: entries with If-Match, field errors, submission refused then signed off."""

from datetime import date

import sqlalchemy as sa

from perf.actuals.services import set_actual
from perf.evaluation.models import SelfEvaluation
from perf.projects.models import Project

ENTRIES = "/api/v1/projects/{}/self-evaluation/entries"


def _project(session, project_id: int) -> Project:
    return session.get(Project, project_id)


def test_entries_are_written_with_if_match_and_submitted_then_signed(api, world, session):
    url = ENTRIES.format(world.approved)
    first = api("GET", url, "owner")
    body = first.get_json()
    assert (body["status"], body["version"], first.headers["ETag"]) == ("draft", 0, '"0"')
    assert sum(float(row["weight"]) for row in body["rows"]) == 90  # the default split, shown before anything is saved
    rows = [{k: row[k] for k in ("indicator_id", "weight", "band", "band_score", "reason")} for row in body["rows"]]
    qualitative = next(i for i, row in enumerate(body["rows"]) if row["indicator"] == "长期使用性")
    rows[qualitative].update(band="部分达成并具有一定效果", band_score="7")

    assert api("PUT", url, "owner", json={"rows": rows}).status_code == 428
    saved = api("PUT", url, "owner", json={"rows": rows, "outcome": "按计划完成"}, headers={"If-Match": '"0"'})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["rows"][qualitative]["band"] == "partial"  # a label is stored as its key
    stale = api("PUT", url, "owner", json={"rows": rows}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412

    refused = api("POST", f"/api/v1/projects/{world.approved}/self-evaluation/submit", "owner", json={})
    assert refused.status_code == 409
    assert "绩效自评还不能提交" in refused.get_json()["message"]
    project = _project(session, world.approved)
    for indicator in project.indicators:
        if indicator.kind == "quantitative":
            set_actual(indicator, indicator.value_text.lstrip("≥≤<>"), project_year_end(project), "test")
    session.commit()
    submitted = api("POST", f"/api/v1/projects/{world.approved}/self-evaluation/submit", "owner", json={})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    sign = f"/api/v1/projects/{world.approved}/self-evaluation/sign"
    signed = api("POST", sign, "reviewer", json={"comment": "同意"})
    assert signed.status_code == 200 and signed.get_json()["status_label"] == "已审核"
    locked = api("PUT", url, "owner", json={"rows": rows}, headers={"If-Match": signed.headers["ETag"]})
    assert locked.status_code == 409 and "不能修改" in locked.get_json()["message"]


def project_year_end(project) -> date:
    return date(project.budget_year.year, 12, 31)


def test_field_errors_name_the_row_and_nothing_is_saved(api, world, session):
    url = ENTRIES.format(world.approved)
    rows = api("GET", url, "owner").get_json()["rows"]
    payload = [{"indicator_id": row["indicator_id"], "weight": row["weight"]} for row in rows]
    qualitative = next(i for i, row in enumerate(rows) if row["indicator"] == "长期使用性")
    payload[qualitative].update(band="achieved", band_score="5")  # 达成年度指标 is 8–10 of 10 points
    payload[0]["weight"] = "12.505"
    response = api("PUT", url, "owner", json={"rows": payload}, headers={"If-Match": '"0"'})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {  # every problem at once, not in rounds
        "rows.0.weight": ["最多 2 位小数"],
        f"rows.{qualitative}.band_score": ["“达成年度指标”的得分应不低于 8 且不超过 10"],
    }
    payload[0]["weight"] = "12.50"
    response = api("PUT", url, "owner", json={"rows": payload}, headers={"If-Match": '"0"'})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        f"rows.{qualitative}.band_score": ["“达成年度指标”的得分应不低于 8 且不超过 10"]
    }
    assert session.scalar(sa.select(sa.func.count()).select_from(SelfEvaluation)) == 0


def test_another_units_owner_and_a_reviewer_may_not_write(api, world):
    url = ENTRIES.format(world.approved)
    assert api("PUT", url, "other_owner", json={"rows": []}, headers={"If-Match": '"0"'}).status_code == 403
    assert api("PUT", url, "reviewer", json={"rows": []}, headers={"If-Match": '"0"'}).status_code == 403
    assert api("GET", url, "other_owner").status_code == 403
