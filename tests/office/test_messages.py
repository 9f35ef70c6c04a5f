"""A message for every step: the other side hears of it in-app and, by preference, by e-mail — once."""

import sqlalchemy as sa

from perf.alerts.models import InboxItem, Notification
from perf.projects.models import Project

CODE = "13020724P00X4BL10005W"


def inbox(session, user) -> list[InboxItem]:
    return session.scalars(sa.select(InboxItem).where(InboxItem.user_id == user.id).order_by(InboxItem.id)).all()


def test_submit_tells_the_reviewers_and_return_tells_the_owners(client, login, people, session, smtp):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    login(people["owner"])
    assert client.post(f"/projects/{project.id}/adjust", data={"comment": "预算调整"}).status_code == 302
    assert client.post(f"/projects/{project.id}/submit").status_code == 302
    title = f"【绩效目标表提交审核】{CODE} “互联网+政务服务”行政审批网络维护费"
    # the department's reviewers heard of both owner steps, the owners of none
    reviewer_items = inbox(session, people["reviewer"])
    assert [item.text for item in reviewer_items][-1] == title
    assert reviewer_items[-1].link == f"/projects/2024/{CODE}"
    assert "操作人：本级负责人" in reviewer_items[-1].body
    assert inbox(session, people["other_owner"]) == []
    assert title in smtp.subjects()
    mail = next(m for m in smtp.messages if title in str(m["Subject"]) or m["To"] == "t-reviewer@example.gov.cn")
    assert mail["To"] == "t-reviewer@example.gov.cn"

    login(people["reviewer"])
    returned = client.post(f"/projects/{project.id}/return", data={"comment": "请补充满意度指标"})
    assert returned.status_code == 302
    owner_items = inbox(session, people["owner"])
    assert owner_items[-1].text == f"【绩效目标表退回修改】{CODE} “互联网+政务服务”行政审批网络维护费"
    assert "意见：请补充满意度指标" in owner_items[-1].body and "操作人：财务审核" in owner_items[-1].body
    assert inbox(session, people["other_owner"]) == []  # another unit's owner hears nothing
    body = next(m for m in smtp.messages if m["To"] == "t-owner@example.gov.cn").get_content()
    assert "意见：请补充满意度指标" in body and f"/projects/2024/{CODE}" in body
    # the leader and the admin are not part of the step
    assert inbox(session, people["leader"]) == [] and inbox(session, people["admin"]) == []


def test_each_step_is_told_once_and_mail_follows_the_preference(client, login, people, session, smtp):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    people["reviewer"].notify_email = False
    session.commit()
    login(people["owner"])
    client.post(f"/projects/{project.id}/adjust", data={"comment": "预算调整"})
    client.post(f"/projects/{project.id}/submit")
    assert [m["To"] for m in smtp.messages] == []  # the reviewer chose in-app only
    assert len(inbox(session, people["reviewer"])) == 2
    keys = session.scalars(sa.select(InboxItem.key).where(InboxItem.user_id == people["reviewer"].id)).all()
    assert len(set(keys)) == 2 and all(key.startswith("step:") for key in keys)
    # delivering again sends nothing: every queued mail was sent once
    assert session.scalar(sa.select(sa.func.count(Notification.id))) == 0


def test_a_refused_step_tells_nobody(client, login, people, session):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    login(people["owner"])
    assert client.post(f"/projects/{project.id}/adjust", data={"comment": ""}).status_code == 302
    assert inbox(session, people["reviewer"]) == []
