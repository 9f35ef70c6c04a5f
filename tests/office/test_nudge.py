"""催办: a reviewer nudges the owners of selected projects; each owner hears once, with the reviewer's words."""

import sqlalchemy as sa

from perf.alerts.models import InboxItem
from perf.audit.models import AuditEntry
from perf.projects.models import Project


def test_a_reviewer_nudges_the_owners_of_the_selected_projects(client, login, people, session, smtp):
    projects = session.scalars(sa.select(Project).order_by(Project.code).limit(2)).all()
    login(people["reviewer"])
    page = client.get("/departments/306/2024").get_data(as_text=True)
    assert 'id="nudge-form"' in page and 'name="project_id"' in page
    data = {"project_id": [str(p.id) for p in projects], "message": "请本周内完成支出", "next": "/departments/306/2024"}
    answer = client.post("/nudge", data=data)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/departments/306/2024")
    items = session.scalars(sa.select(InboxItem).where(InboxItem.user_id == people["owner"].id)).all()
    assert sorted(i.text for i in items) == sorted(f"【催办】{p.code} {p.name}" for p in projects)
    assert all("内容：请本周内完成支出" in i.body and "催办人：财务审核" in i.body for i in items)
    assert [m["To"] for m in smtp.messages].count("t-owner@example.gov.cn") == 2
    assert (
        session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "project.nudge")).all()
        == ["project.nudge"] * 2
    )


def test_a_nudge_without_words_or_projects_is_refused_and_tells_nobody(client, login, people, session):
    login(people["reviewer"])
    project = session.scalars(sa.select(Project)).first()
    refused = client.post("/nudge", data={"project_id": [str(project.id)], "message": " "}, follow_redirects=True)
    assert "请填写催办内容" in refused.get_data(as_text=True)
    empty = client.post("/nudge", data={"message": "请尽快"}, follow_redirects=True)
    assert "请至少选择一个项目" in empty.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(InboxItem.id))) == 0


def test_owners_and_leaders_cannot_nudge(client, login, people, session):
    project = session.scalars(sa.select(Project)).first()
    for who in ("owner", "leader"):
        login(people[who])
        assert client.post("/nudge", data={"project_id": [str(project.id)], "message": "x"}).status_code == 403
        assert 'id="nudge-form"' not in client.get("/departments/306/2024").get_data(as_text=True)
