"""perf scan: the numbers, the levels, alerts opened once, escalated, resolved; frozen time."""

import json
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
import time_machine

from perf.alerts.models import Alert, InboxItem, Notification, ScanRun
from perf.projects.models import Project
from perf.projects.services import create_project
from tests.factories import target_table

TRADING = "13020724P00EL6T100050"  # 公共资源交易中心运转经费: 32.90 万元, plan 25/50/90/100
NETWORK = "13020724P00X4BL10005W"  # 网络维护费: 28.00 万元, plan 15/30/85/100


def scan(runner, *args):
    result = runner.invoke(args=["perf", "scan", *args])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


def scan_json(runner, *args) -> dict[str, dict]:
    return {row["code"]: row for row in json.loads(scan(runner, *args, "--json").output)}


def test_the_issue_example(runner, demo, pay):
    pay(TRADING, "2024-05-10", "115150.00")  # 35% of 32.90 万元
    rows = scan_json(runner, "--as-of", "2024-07-01")
    assert len(rows) == 7
    trading = rows[TRADING]
    assert (trading["checkpoint"], trading["planned_pct"], trading["actual_pct"]) == ("2024-06-30", "50.00", "35.00")
    assert (trading["gap_pp"], trading["ratio"], trading["level"]) == ("15.00", "70.00", "yellow")
    network = rows[NETWORK]
    assert (network["planned_pct"], network["actual_pct"], network["ratio"], network["level"]) == (
        "30.00",
        "0.00",
        "0.00",
        "red",
    )


def test_the_configured_lag_rules_decide_the_level(app, runner, demo, pay, monkeypatch):
    pay(TRADING, "2024-05-10", "115150.00")  # ratio 70: yellow by the default rules
    strict = [["planned_zero", None, "green"], ["ratio_below", "90", "red"], ["always", None, "green"]]
    monkeypatch.setitem(app.config, "LAG_RULES", strict)
    assert scan_json(runner, "--as-of", "2024-07-01")[TRADING]["level"] == "red"


def test_payments_after_the_date_do_not_count(runner, demo, pay):
    pay(TRADING, "2024-05-10", "115150.00")
    pay(TRADING, "2024-07-02", "100000.00")
    assert scan_json(runner, "--as-of", "2024-07-01")[TRADING]["actual_pct"] == "35.00"


def test_refunds_reduce_the_amount_spent(runner, demo, pay):
    first = pay(TRADING, "2024-05-10", "164500.00")  # 50%
    pay(TRADING, "2024-06-20", "-49350.00", refund_of=first.voucher_no)  # back to 35%
    assert scan_json(runner, "--as-of", "2024-07-01")[TRADING]["actual_pct"] == "35.00"


@pytest.mark.parametrize(
    ("today", "checkpoint", "planned", "level"),
    [
        ("2024-02-15", None, "0.00", "green"),  # before the first checkpoint
        ("2024-03-31", "2024-03-31", "15.00", "red"),  # exactly on a checkpoint
        ("2024-08-15", "2024-06-30", "30.00", "red"),  # between checkpoints
        ("2025-01-10", "2024-12-31", "100.00", "red"),  # after year end (scans the latest year)
    ],
)
def test_frozen_time(runner, demo, today, checkpoint, planned, level):
    with time_machine.travel(date.fromisoformat(today), tick=False):
        row = scan_json(runner)[NETWORK]  # no --as-of: today
    assert (row["checkpoint"], row["planned_pct"], row["level"]) == (checkpoint, planned, level)


@pytest.fixture
def odd_projects(session, demo, users):
    """A project without a plan and one with a zero budget."""
    network = session.scalar(sa.select(Project).where(Project.code == NETWORK))
    rows = [("产出指标", "数量指标", "人数", "7人")]
    for code, total in (("NOPLAN1", D("10")), ("ZERO1", D("0"))):
        plan = [] if code == "NOPLAN1" else [25, 50, 75, 100]
        data = target_table(code, code, total=total, plan=plan, rows=rows)
        create_project(network.budget_year, network.unit, data, actor="test")
    session.commit()


def test_a_project_without_a_plan_is_not_lagging(runner, odd_projects):
    with time_machine.travel(date(2024, 7, 1), tick=False):
        row = scan_json(runner)["NOPLAN1"]
    assert (row["has_plan"], row["checkpoint"], row["planned_pct"], row["level"]) == (
        False,
        "2024-06-30",
        "0.00",
        "green",
    )


def test_a_zero_budget_has_no_percent(runner, odd_projects):
    with time_machine.travel(date(2024, 7, 1), tick=False):
        row = scan_json(runner)["ZERO1"]
    assert (row["actual_pct"], row["ratio"], row["gap_pp"], row["level"]) == (None, None, None, "green")


def test_a_day_without_a_year_says_so(runner, session):
    result = runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"])
    assert result.exit_code != 0 and "没有预算年度数据" in (result.stderr or result.output)


def count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_scanning_twice_opens_each_alert_once_and_mails_once(runner, demo, people, pay, smtp, session):
    pay(TRADING, "2024-05-10", "115150.00")
    scan(runner, "--as-of", "2024-07-01")
    scan(runner, "--as-of", "2024-07-01")
    scan(runner, "--as-of", "2024-07-02")
    assert count(session, Alert) == 7
    assert count(session, ScanRun) == 3
    # 7 alerts x (owner + reviewer), one message each
    assert len(smtp.messages) == 14
    assert smtp.to() == ["t-owner@example.gov.cn"] * 7 + ["t-reviewer@example.gov.cn"] * 7
    yellow = [s for s in smtp.subjects() if "黄灯" in s]
    assert yellow == ["【支出进度滞后预警】公共资源交易中心运转经费 6月底（黄灯）"] * 2
    body = next(m for m in smtp.messages if "（黄灯）" in str(m["Subject"])).get_content()
    assert "计划累计支出进度：50.00%" in body and "实际累计支出进度：35.00%" in body
    assert "http://127.0.0.1:5000/projects/2024/13020724P00EL6T100050" in body
    assert count(session, Notification) == 14
    assert {n.status for n in session.scalars(sa.select(Notification))} == {"sent"}


def test_a_worse_level_escalates_and_catching_up_resolves(runner, demo, people, pay, smtp, session):
    first = pay(TRADING, "2024-05-10", "115150.00")  # 35%: yellow
    scan(runner, "--as-of", "2024-07-01")
    pay(TRADING, "2024-07-02", "-49350.00", refund_of=first.voucher_no)  # 20%: ratio 40, red
    scan(runner, "--as-of", "2024-07-03")
    alert = session.scalar(sa.select(Alert).join(Project).where(Project.code == TRADING))
    assert (alert.level, alert.status, alert.escalated_at is not None) == ("red", "open", True)
    escalated = [s for s in smtp.subjects() if s.startswith("【支出进度预警升级】")]
    assert escalated == ["【支出进度预警升级】公共资源交易中心运转经费 6月底（红灯）"] * 2

    pay(TRADING, "2024-07-10", "200000.00")  # 80.8%: green
    scan(runner, "--as-of", "2024-07-11")
    session.refresh(alert)
    assert alert.status == "resolved"
    events = session.scalars(sa.select(InboxItem.event).where(InboxItem.alert_id == alert.id)).all()
    # two owners (t-owner and the demo owner) and two reviewers of the department
    assert sorted(events) == ["escalated"] * 4 + ["opened"] * 4 + ["resolved"] * 4


def test_a_reminder_goes_to_owners_before_a_checkpoint(runner, demo, people, smtp, session):
    scan(runner, "--as-of", "2024-06-16")  # 14 days before 6月底, nothing spent
    reminders = session.scalars(sa.select(Alert).where(Alert.kind == "reminder")).all()
    assert len(reminders) == 7 and {a.checkpoint_seq for a in reminders} == {2}
    reminded = [m for m in smtp.messages if str(m["Subject"]).startswith("【支出进度节点提醒】")]
    assert sorted(m["To"] for m in reminded) == ["t-owner@example.gov.cn"] * 7  # owners only
    assert "【支出进度节点提醒】业务经费 6月底" in [str(m["Subject"]) for m in reminded]
    scan(runner, "--as-of", "2024-06-17")
    again = [m for m in smtp.messages if str(m["Subject"]).startswith("【支出进度节点提醒】")]
    assert len(again) == 7  # once per checkpoint


def test_the_webhook_gets_a_robot_message(runner, demo, people, pay, webhook, session):
    pay(TRADING, "2024-05-10", "115150.00")
    scan(runner, "--as-of", "2024-07-01")
    assert len(webhook) == 7
    message = next(m for m in webhook if "（黄灯）" in m["text"]["content"])
    assert message["msgtype"] == "text"
    assert message["text"]["content"].startswith("【支出进度滞后预警】公共资源交易中心运转经费 6月底（黄灯）\n项目：")


def test_a_failed_delivery_is_retried_later(app, runner, demo, people, session):
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=9)  # nothing listens on the discard port
    try:
        scan(runner, "--as-of", "2024-07-01")
    finally:
        app.config.update(MAIL_HOST="", MAIL_PORT=25)
    pending = session.scalars(sa.select(Notification)).all()
    assert len(pending) == 14
    assert {(n.status, n.attempts) for n in pending} == {("pending", 1)}
    assert all(n.last_error for n in pending)


def test_scan_queries_do_not_grow_with_projects(app, runner, demo, session, count_queries):
    from perf.spending.status import compute, scan_year

    def selects() -> int:
        session.expire_all()
        with app.test_request_context(), count_queries() as counted:
            compute(date(2024, 7, 1), scan_year(date(2024, 7, 1)))
        return counted.selects

    seven = selects()
    network = session.scalar(sa.select(Project).where(Project.code == NETWORK))
    for i in range(10):
        data = target_table(f"MORE{i}", "更多", plan=[25, 50, 75, 100])
        create_project(network.budget_year, network.unit, data, actor="test")
    session.commit()
    assert selects() == seven <= 6  # 6: the saved settings (系统设置) are read once


def test_done_means_import_payments_then_scan(runner, demo, people, smtp, tmp_path, session):
    """The issue's acceptance path, through the two commands a finance office would run."""
    csv = tmp_path / "treasury.csv"
    csv.write_text(
        "项目编码,支付日期,金额（元）,凭证号,摘要\n"
        "13020724P00EL6T100050,2024-03-20,65800.00,GK2024-0311,专家费\n"
        "13020724P00EL6T100050,2024-06-28,49350.00,GK2024-0627,系统运维费\n",
        encoding="utf-8-sig",
    )
    imported = runner.invoke(args=["perf", "import-payments", str(csv)])
    assert imported.exit_code == 0, imported.stderr
    again = runner.invoke(args=["perf", "import-payments", str(csv)])
    assert again.exit_code == 0 and "新增 0 笔，未变 2 笔" in again.output
    rows = scan_json(runner, "--as-of", "2024-07-01")
    assert {k: rows[TRADING][k] for k in ("planned_pct", "actual_pct", "gap_pp", "ratio", "level")} == {
        "planned_pct": "50.00",
        "actual_pct": "35.00",
        "gap_pp": "15.00",
        "ratio": "70.00",
        "level": "yellow",
    }
    assert (rows[NETWORK]["planned_pct"], rows[NETWORK]["actual_pct"], rows[NETWORK]["level"]) == (
        "30.00",
        "0.00",
        "red",
    )
    first = len(smtp.messages)
    scan(runner, "--as-of", "2024-07-01")
    assert first == 14 and len(smtp.messages) == 14  # the second scan sends nothing


def test_a_line_break_in_a_project_name_cannot_add_a_mail_header(runner, demo, people, smtp, session):
    project = session.scalar(sa.select(Project).where(Project.code == TRADING))
    project.name = "公共资源交易中心运转经费\r\nBcc: someone@example.com"
    session.commit()
    scan(runner, "--as-of", "2024-07-01")
    assert {n.status for n in session.scalars(sa.select(Notification))} == {"sent"}  # none left pending
    assert all(message["Bcc"] is None for message in smtp.messages)
    assert "【支出进度滞后预警】公共资源交易中心运转经费 Bcc: someone@example.com 6月底（红灯）" in smtp.subjects()


def test_an_address_that_cannot_be_one_fails_at_once_and_the_admin_sees_why(
    runner, demo, people, smtp, session, client, login
):
    owner = people["owner"]
    owner.email = "t-owner@example.gov.cn\nBcc: someone@example.com"
    session.commit()
    scan(runner, "--as-of", "2024-07-01")
    mine = session.scalars(sa.select(Notification).where(Notification.user_id == owner.id)).all()
    assert mine and {(n.status, n.attempts) for n in mine} == {("failed", 1)}
    assert all(n.last_error.startswith("收件地址无效") for n in mine)
    assert smtp.to() == ["t-reviewer@example.gov.cn"] * 7  # the others went out
    page = login(people["admin"]).get("/settings").get_data(as_text=True)
    assert f"发送失败的消息（{len(mine)} 条）" in page and "收件地址无效" in page
