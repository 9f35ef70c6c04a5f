"""Every list page runs the same number of queries for the sample's 7 projects and for 70.

Each sample project gets a payment, an actual value, a mid-year entry, a self-evaluation and an
open alert in two inboxes; then the department grows by 63 projects (in both units, every other
one submitted for review) with the same rows, and each page is asked again.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.alerts.bookkeeping import run_scan
from perf.alerts.models import Alert, InboxItem
from perf.evaluation.models import SelfEvaluation
from perf.midyear.models import MonitoringEntry
from perf.projects.models import Project
from perf.projects.services import create_project
from perf.spending.models import Payment
from tests.factories import target_table

#: (page, who asks): every page that lists projects or their rows.
PAGES = [
    ("/", "reviewer"),
    ("/", "owner"),
    ("/departments/306/2024", "reviewer"),
    ("/departments/306/2024/dashboard?as_of=2024-07-01", "reviewer"),
    ("/departments/306/2024/dashboard?as_of=2024-07-01", "owner"),
    ("/departments/306/2024/self-evaluations", "reviewer"),
    ("/departments/306/2024/midyear", "reviewer"),
    ("/alerts", "reviewer"),
    ("/alerts", "owner"),
    ("/inbox", "reviewer"),
    ("/inbox", "owner"),
    ("/queue", "reviewer"),
    ("/queue", "owner"),
    ("/admin/users", "admin"),
]


def furnish(session, users, projects) -> None:
    """Give each project the rows every list page shows: a payment, an actual value, a mid-year entry,
    a self-evaluation and an open alert in the reviewer's and an owner's inbox."""
    at = datetime(2024, 7, 1, 8, 30)
    owners = {unit.id: user for user in (users["owner"], users["other_owner"]) for unit in user.units}
    for project in projects:
        session.add(Payment(project_id=project.id, paid_on=date(2024, 5, 1), amount=Decimal(1000), voucher_no="V1"))
        first = project.indicators[0]
        session.add(ActualValue(indicator_id=first.id, as_of=date(2024, 7, 31), value_text="1", kind="qualitative"))
        session.add(MonitoringEntry(indicator_id=first.id, round_on=date(2024, 7, 31), likelihood="certain"))
        session.add(SelfEvaluation(project_id=project.id, status="draft"))
        alert = Alert(
            project_id=project.id,
            checkpoint_seq=2,
            kind="lag",
            level="red",
            status="open",
            planned_pct=Decimal(50),
            actual_pct=Decimal(1),
            as_of=date(2024, 7, 1),
            opened_at=at,
        )
        session.add(alert)
        session.flush()
        for user in (users["reviewer"], owners[project.unit_id]):
            session.add(InboxItem(user_id=user.id, alert_id=alert.id, event="opened", level="red", text="预警"))
    session.commit()


def grow(session, users, count: int = 63) -> None:
    """``count`` more projects of department 306 in both units, every other one submitted, all furnished."""
    sample = session.scalar(sa.select(Project).where(Project.code == "13020724P00X4BL10005W"))
    units = [users["owner"].units[0], users["other_owner"].units[0]]
    grown = []
    for i in range(count):
        project = create_project(sample.budget_year, units[i % 2], target_table(f"GROW{i:03d}"), actor="test")
        project.status = "submitted" if i % 2 else "approved"
        grown.append(project)
    furnish(session, users, grown)


def queries_of(client, login, users, count_queries, page: str, who: str) -> int:
    login(users[who])
    assert client.get(page).status_code == 200, page  # warm: the first request of a test loads the user
    with count_queries() as counted:
        response = client.get(page)
    assert response.status_code == 200, page
    return len(counted)


@pytest.mark.parametrize(("page", "who"), PAGES)
def test_the_same_queries_for_7_and_70_projects(client, login, users, session, count_queries, page, who):
    furnish(session, users, session.scalars(sa.select(Project)).all())
    seven = queries_of(client, login, users, count_queries, page, who)
    grow(session, users)
    assert session.scalar(sa.select(sa.func.count(Project.id))) == 70
    seventy = queries_of(client, login, users, count_queries, page, who)
    print(f"queries: {page} as {who}: {seven} for 7 projects, {seventy} for 70")  # shown with -s
    assert seventy == seven, f"{page} as {who}: {seven} queries for 7 projects, {seventy} for 70"


@pytest.mark.parametrize("who", ["reviewer", "owner"])
def test_the_stored_dashboard_runs_the_same_queries_for_7_and_70_projects(
    client, login, users, session, count_queries, who
):
    """After a scan the dashboard reads the stored statuses: the same queries for 7 projects and for 70."""
    page = "/departments/306/2024/dashboard?sort=ratio&level=red"
    furnish(session, users, session.scalars(sa.select(Project)).all())
    run_scan(date(2024, 7, 1), "test")
    session.commit()
    seven = queries_of(client, login, users, count_queries, page, who)
    grow(session, users)
    run_scan(date(2024, 7, 1), "test")
    session.commit()
    seventy = queries_of(client, login, users, count_queries, page, who)
    body = client.get(page).get_data(as_text=True)
    assert "2024-07-01 扫描时" in body  # the stored path, not a computation
    assert seventy == seven, f"{page} as {who}: {seven} queries for 7 projects, {seventy} for 70"
