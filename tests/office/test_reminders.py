"""``perf remind``: one reminder, then one escalation, per late alert; deadlines reminded once; nothing twice."""

import json

import sqlalchemy as sa

from perf.alerts.models import InboxItem, Notification
from perf.auth.models import User


def remind(runner, as_of):
    result = runner.invoke(args=["perf", "remind", "--as-of", as_of, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_an_unanswered_alert_is_reminded_after_ten_days_then_escalated_after_twenty(runner, demo, session):
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    assert remind(runner, "2024-07-10") == []
    reminded = remind(runner, "2024-07-11")
    assert {(r["user"], r["kind"], r["stage"]) for r in reminded} == {("owner", "alert_answer", "reminder")}
    assert len(reminded) == 7  # one per red alert, to the 本级 unit's owner
    assert remind(runner, "2024-07-11") == []  # the same day again: nothing new
    assert remind(runner, "2024-07-15") == []  # nor on a later day before the escalation
    escalated = remind(runner, "2024-07-21")
    assert {(r["user"], r["stage"]) for r in escalated} == {("reviewer", "escalation"), ("leader", "escalation")}
    assert len(escalated) == 14
    assert remind(runner, "2024-07-22") == []
    leader = session.scalar(sa.select(User).where(User.username == "leader"))
    texts = session.scalars(sa.select(InboxItem.text).where(InboxItem.user_id == leader.id)).all()
    assert len(texts) == 7 and all(text.startswith("【预警逾期未说明（已上报）】") for text in texts)


def test_an_answered_alert_is_not_reminded(runner, demo, session, client):
    from perf.alerts.models import Alert

    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    alert = session.scalars(sa.select(Alert).where(Alert.kind == "lag").order_by(Alert.id)).first()
    alert.status = "answered"
    session.commit()
    assert len(remind(runner, "2024-07-11")) == 6


def test_deadlines_are_reminded_before_and_summarised_after(runner, demo, session):
    assert remind(runner, "2024-08-07") == []
    before = remind(runner, "2024-08-08")  # MIDYEAR_DEADLINE 08-15 less DEADLINE_REMINDER_DAYS 7
    assert {(r["user"], r["kind"], r["stage"]) for r in before} == {("owner", "deadline", "reminder")}
    assert len(before) == 7
    assert remind(runner, "2024-08-15") == []
    after = remind(runner, "2024-08-16")
    assert {(r["user"], r["stage"]) for r in after} == {("reviewer", "overdue")}
    assert len(after) == 7  # one summary message naming the 7 late projects
    reviewer = session.scalar(sa.select(User).where(User.username == "reviewer"))
    summary = session.scalars(sa.select(InboxItem).where(InboxItem.user_id == reviewer.id)).all()
    assert len(summary) == 1 and summary[0].text == "【监控填报逾期】7 个项目逾期未完成"
    assert summary[0].body.count("\n- ") == 7
    assert remind(runner, "2024-08-17") == []


def test_reminders_reach_addressed_users_by_mail_once(runner, demo, session, smtp):
    owner = session.scalar(sa.select(User).where(User.username == "owner"))
    owner.email = "owner@example.gov.cn"
    session.commit()
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    remind(runner, "2024-07-11")
    remind(runner, "2024-07-11")
    reminders = [s for s in smtp.subjects() if s.startswith("【预警逾期未说明】")]
    assert len(reminders) == 7 and smtp.to().count("owner@example.gov.cn") >= 7
    assert session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.status != "sent")) == 0


def test_a_digest_user_gets_one_mail_a_day_instead(runner, demo, session, smtp):
    owner = session.scalar(sa.select(User).where(User.username == "owner"))
    owner.email, owner.digest = "owner@example.gov.cn", True
    session.commit()
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    sent = remind(runner, "2024-07-11")
    assert ("owner", "digest") in {(r["user"], r["kind"]) for r in sent}
    assert [s for s in smtp.subjects() if s.startswith("【预警")] == []  # no mail per message
    digests = [s for s in smtp.subjects() if s.startswith("【perf 每日消息汇总】")]
    assert len(digests) == 1
    remind(runner, "2024-07-11")
    assert len([s for s in smtp.subjects() if s.startswith("【perf 每日消息汇总】")]) == 1
