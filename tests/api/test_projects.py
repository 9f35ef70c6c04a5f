"""Projects over the API: filtered lists with totals, the table with its ETag, create and update by the rules."""

import copy

import sqlalchemy as sa

from perf.api import examples
from perf.audit.models import AuditEntry
from perf.projects.models import Project
from tests.api.conftest import etag_of


def test_list_has_total_and_pages(api, world):
    body = api("GET", "/api/v1/projects?year=2024&per_page=3&page=2", "admin").get_json()
    assert body["total"] == 9 and body["page"] == 2 and body["per_page"] == 3
    assert len(body["items"]) == 3
    assert set(body["items"][0]) >= {"id", "code", "year", "unit_id", "status", "total", "lock_version", "updated_at"}


def test_list_filters_by_status_unit_and_code(api, world):
    drafts = api("GET", "/api/v1/projects?status=draft", "owner").get_json()
    assert [p["code"] for p in drafts["items"]] == ["DRAFT1"]
    assert api("GET", f"/api/v1/projects?unit_id={world.other_unit}", "admin").get_json()["total"] == 0
    one = api("GET", f"/api/v1/projects?code={world.approved_code}", "reviewer").get_json()
    assert one["total"] == 1 and one["items"][0]["status_label"] == "已批复"


def test_list_shows_only_what_the_caller_may_see(api, world):
    assert api("GET", "/api/v1/projects", "other_owner").get_json()["total"] == 0
    assert api("GET", "/api/v1/projects", "reviewer").get_json()["total"] == 9


def test_bad_filter_is_a_422_in_chinese(api, world):
    response = api("GET", "/api/v1/projects?status=lost&per_page=0&year=abc", "owner")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["status"] == ["应为 draft、submitted 或 approved"]
    assert errors["per_page"] == ["应在 1 到 200 之间"]
    assert errors["year"] == ["应为整数"]


def test_detail_has_plan_indicators_findings_and_decimals_as_strings(api, world):
    response = api("GET", f"/api/v1/projects/{world.approved}", "owner")
    body = response.get_json()
    assert response.headers["ETag"]
    assert body["total"] == "28.00" and body["fiscal"] == "28.00" and body["other"] == "0.00"
    assert [p["cumulative_pct"] for p in body["spend_plan"]][-1] == "100.00"
    assert body["spend_plan"][0]["checkpoint"] == "2024-03-31"
    assert body["indicators"][0]["value"] and isinstance(body["indicators"][0]["target"], str)
    assert body["findings"][0]["severity"] in ("error", "warning")
    assert body["updated_at"].endswith(("+00:00", "Z"))


def test_unchanged_detail_answers_304_to_if_none_match(api, world):
    etag = etag_of(api, f"/api/v1/projects/{world.approved}")
    response = api("GET", f"/api/v1/projects/{world.approved}", "owner", headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_unknown_project_is_a_404_envelope(api, world):
    response = api("GET", "/api/v1/projects/999999", "admin")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "message": "项目不存在", "errors": {}}
    # an id no database column holds names no route at all (perf.db.IdConverter)
    response = api("GET", "/api/v1/projects/99999999999999999999", "admin")
    assert response.status_code == 404
    assert response.get_json() == {"code": 404, "message": "资源不存在", "errors": {}}


def _new(**changes):
    body = copy.deepcopy({**examples.NEW_PROJECT, "code": "APINEW2"})
    body.update(changes)
    return body


def test_create_answers_the_table_with_its_findings_and_audits(api, world, session):
    response = api("POST", "/api/v1/projects", "owner", json=_new(unit_id=world.own_unit))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "draft" and body["code"] == "APINEW2" and len(body["indicators"]) == 6
    assert isinstance(body["findings"], list)
    assert response.headers["ETag"]
    entry = session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "project.create").order_by(AuditEntry.id.desc())
    )
    assert entry.actor == "t-owner" and entry.object_id == str(body["id"])


def test_create_checks_the_forms_rules(api, world):
    body = _new(unit_id=world.own_unit, total="12.00", spend_plan=["20", "10", "80", "100"])
    body["indicators"][0]["level2"] = "社会效益指标"
    response = api("POST", "/api/v1/projects", "owner", json=body)
    assert response.status_code == 422
    # every problem at once, each at its path (the one table schema, as the form shows them)
    assert response.get_json()["errors"] == {
        "indicators.0.level2": ["“社会效益指标”不属于产出指标"],
        "total": ["财政资金 10.00 万元 + 其他资金 0.00 万元 ≠ 预算数 12.00 万元"],
        "spend_plan.1": ["6月底的计划支出进度 10% 低于上一节点的 20%，累计进度不能下降"],
    }
    del body["indicators"][0]
    response = api("POST", "/api/v1/projects", "owner", json=body)
    envelope = response.get_json()
    assert response.status_code == 422
    assert "≠ 预算数 12.00 万元" in envelope["message"] and "total" in envelope["errors"]
    body["total"] = "10.00"
    envelope = api("POST", "/api/v1/projects", "owner", json=body).get_json()
    assert envelope["errors"]["spend_plan.1"] == ["6月底的计划支出进度 10% 低于上一节点的 20%，累计进度不能下降"]


def test_create_refuses_a_taken_code_floats_and_unknown_fields(api, world):
    taken = api("POST", "/api/v1/projects", "owner", json=_new(unit_id=world.own_unit, code=world.approved_code))
    assert taken.status_code == 422 and "code" in taken.get_json()["errors"]
    floats = api("POST", "/api/v1/projects", "owner", json=_new(unit_id=world.own_unit, total=10.5, extra=1))
    errors = floats.get_json()["errors"]
    assert errors["total"] == ['应为文本形式的数字，如 "28.00"'] and errors["extra"] == ["未知字段"]


def test_create_in_another_units_is_forbidden(api, world):
    response = api("POST", "/api/v1/projects", "owner", json=_new(unit_id=world.other_unit))
    assert response.status_code == 403
    assert response.get_json()["message"] == "没有权限执行此操作"


def test_update_needs_if_match_and_refuses_a_stale_one(api, world, session):
    url = f"/api/v1/projects/{world.draft}"
    table = copy.deepcopy(examples.TABLE)
    assert api("PUT", url, "owner", json=table).status_code == 428
    assert api("PUT", url, "owner", json=table, headers={"If-Match": "*"}).status_code == 428
    etag = etag_of(api, url)
    first = api("PUT", url, "owner", json=table, headers={"If-Match": etag})
    assert first.status_code == 200 and first.get_json()["name"] == table["name"]
    assert first.headers["ETag"] != etag
    table["name"] = "第二次保存"
    stale = api("PUT", url, "owner", json=table, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.get_json()["message"] == "数据已被他人修改（ETag 不匹配），请重新获取后再修改"
    session.expire_all()
    assert session.get(Project, world.draft).name == examples.TABLE["name"]


def test_approved_table_changes_only_through_an_adjustment(api, world):
    url = f"/api/v1/projects/{world.approved}"
    body = api("GET", url, "owner").get_json()
    table = {
        "code": body["code"],
        "name": "改名",
        "total": body["total"],
        "fiscal": body["fiscal"],
        "other": body["other"],
        "spend_plan": [p["cumulative_pct"] for p in body["spend_plan"]],
        "indicators": [
            {k: row[k] for k in ("level1", "level2", "name", "value", "description", "basis")}
            for row in body["indicators"]
        ],
    }
    refused = api("PUT", url, "owner", json=table, headers={"If-Match": etag_of(api, url)})
    assert refused.status_code == 409
    assert f"POST /api/v1/projects/{world.approved}/adjust" in refused.get_json()["message"]
    adjusted = api("POST", f"{url}/adjust", "owner", json={"comment": "预算调整"})
    assert adjusted.status_code == 200 and adjusted.get_json()["status_label"] == "调整中"
    changed = api("PUT", url, "owner", json=table, headers={"If-Match": etag_of(api, url)})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["name"] == "改名"


def test_workflow_submit_return_approve(api, world):
    submitted = api("POST", f"/api/v1/projects/{world.draft}/submit", "owner", json={})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    again = api("POST", f"/api/v1/projects/{world.draft}/submit", "owner", json={})
    assert again.status_code == 409 and "不能提交" in again.get_json()["message"]
    no_comment = api("POST", f"/api/v1/projects/{world.draft}/return", "reviewer", json={})
    assert no_comment.status_code == 422
    assert no_comment.get_json()["errors"] == {"comment": ["退回时必须填写审核意见"]}
    returned = api("POST", f"/api/v1/projects/{world.draft}/return", "reviewer", json={"comment": "请细化指标"})
    assert returned.get_json()["status"] == "draft"
    api("POST", f"/api/v1/projects/{world.draft}/submit", "owner", json={})
    approved = api("POST", f"/api/v1/projects/{world.draft}/approve", "reviewer", json={"comment": "同意"})
    assert approved.get_json()["status"] == "approved"
