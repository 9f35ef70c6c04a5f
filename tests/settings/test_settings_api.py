"""GET/PUT /api/v1/settings: the issue's check (saved lag rules turn a yellow project red on the next scan),
422 naming the field, admins only, every change audited with before and after."""

import json

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from tests.api.conftest import DEMO_USERS  # noqa: F401  (the roles the token client knows)

TRADING = "13020724P00EL6T100050"  # plan 50% at 2024-06-30
STRICT = [["planned_zero", None, "green"], ["ratio_below", "90", "red"], ["always", None, "green"]]


def scan_level(runner, code: str) -> str:
    result = runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01", "--json", "--no-deliver"])
    assert result.exit_code == 0, result.output
    return {row["code"]: row for row in json.loads(result.output)}[code]["level"]


def test_saved_lag_rules_turn_a_yellow_project_red_on_the_next_scan(api, runner, demo, pay):
    pay(TRADING, "2024-05-10", "115150.00")  # 35% of 32.90 万元 against 50% planned: ratio 70, yellow
    assert scan_level(runner, TRADING) == "yellow"
    answer = api("PUT", "/api/v1/settings", "admin", json={"lag_rules": STRICT})
    assert answer.status_code == 200, answer.get_json()
    assert scan_level(runner, TRADING) == "red"
    got = api("GET", "/api/v1/settings", "admin").get_json()
    assert got["values"]["lag_rules"] == STRICT
    assert got["sources"]["lag_rules"] == "系统设置"
    assert got["sources"]["reminder_days"] == "默认"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"lag_rules": [["planned_zero", None, "green"], ["ratio_below", "九十", "red"], ["always", None, "green"]]},
            "lag_rules.1.1",
        ),
        ({"lag_rules": [["ratio_below", "90", "purple"], ["always", None, "green"]]}, "lag_rules.0.2"),
        ({"lag_rules": [["ratio_below", "90", "red"]]}, "lag_rules.0.0"),
        ({"reminder_days": 0}, "reminder_days"),
        ({"midyear_round": "02-29"}, "midyear_round"),
        ({"webhook_url": "ftp://robot"}, "webhook_url"),
        ({"self_evaluation": {"execution_weight": "20"}}, "self_evaluation.points_2020"),
        ({"no_such_setting": 1}, "no_such_setting"),
    ],
)
def test_an_invalid_value_gets_422_naming_the_field_and_nothing_is_saved(api, demo, body, field):
    before = api("GET", "/api/v1/settings", "admin").get_json()["values"]
    answer = api("PUT", "/api/v1/settings", "admin", json={**body, "alert_answer_days": 20})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert field in errors, errors
    assert all("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0][:1]) or errors[field][0][0] in "“最应"
    assert api("GET", "/api/v1/settings", "admin").get_json()["values"] == before


@pytest.mark.parametrize("role", ["owner", "reviewer", "leader"])
def test_only_admins_read_or_change_settings(api, demo, role):
    assert api("GET", "/api/v1/settings", role).status_code == 403
    assert api("PUT", "/api/v1/settings", role, json={"reminder_days": 3}).status_code == 403
    assert api("GET", "/api/v1/settings").status_code == 401


def test_a_change_is_audited_with_before_and_after(api, session, demo):
    assert (
        api("PUT", "/api/v1/settings", "admin", json={"reminder_days": 20, "alert_answer_days": 10}).status_code == 200
    )
    entries = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "setting.update")).all()
    assert len(entries) == 1  # alert_answer_days is unchanged (10 is the default): not a change
    assert entries[0].changes == {"时间节点前提醒（天）": [15, 20]}  # stored in Chinese, as the 修改记录 shows it
    assert api("PUT", "/api/v1/settings", "admin", json={"reminder_days": 20}).status_code == 200
    assert session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "setting.update")) == 1


def test_the_environment_is_named_as_the_source_until_the_admin_saves(api, app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_DAYS", 9)
    got = api("GET", "/api/v1/settings", "admin").get_json()
    assert (got["values"]["reminder_days"], got["sources"]["reminder_days"]) == (9, "环境变量")
    api("PUT", "/api/v1/settings", "admin", json={"reminder_days": 12, "mail_password": "s3cret"})
    got = api("GET", "/api/v1/settings", "admin").get_json()
    assert (got["values"]["reminder_days"], got["sources"]["reminder_days"]) == (12, "系统设置")
    assert got["values"]["mail_password"] == "已设置"  # never given back


def test_lag_rules_are_audited_in_chinese(api, session, demo):
    api("PUT", "/api/v1/settings", "admin", json={"lag_rules": STRICT})
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "setting.update"))
    before, after = entry.changes["滞后灯色规则"]
    assert after == "尚无计划支出 → 绿灯；执行比例低于 90% → 红灯；其余情况 → 绿灯"
    assert before.startswith("尚无计划支出 → 绿灯；执行比例低于 60% → 红灯")
