"""The database itself refuses a broken plan or budget, whatever code writes it."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from perf.org.models import Department, Unit
from perf.org.services import ensure_year
from perf.projects.models import Indicator, PlanEntry, Project


@pytest.fixture
def project(session):
    year = ensure_year(2024, [date(2024, 3, 31), date(2024, 6, 30), date(2024, 10, 31), date(2024, 12, 31)])
    unit = Unit(department=Department(code="999", name="测试部门"), name="测试单位本级")
    project = Project(
        budget_year=year,
        unit=unit,
        code="P1",
        name="测试项目",
        total=D("10"),
        fiscal=D("10"),
        other=D("0"),
    )
    session.add(project)
    session.flush()
    return project


def entry(project, seq, pct, prev_pct, final=False):
    return PlanEntry(
        project_id=project.id,
        year_id=project.year_id,
        seq=seq,
        cumulative_pct=D(pct),
        prev_seq=seq - 1 if seq > 1 else None,
        prev_pct=D(prev_pct),
        is_final=final,
    )


def insert_all(session, rows):
    for row in rows:
        session.add(row)
        session.flush()


def refused(session, rows):
    """True when the database rejects the rows (the test's data survives)."""
    try:
        with session.begin_nested():
            insert_all(session, rows)
    except IntegrityError:
        return True
    return False


def test_a_valid_plan_is_accepted(session, project):
    insert_all(
        session,
        [
            entry(project, 1, 15, 0),
            entry(project, 2, 30, 15),
            entry(project, 3, 85, 30),
            entry(project, 4, 100, 85, final=True),
        ],
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(PlanEntry)) == 4


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(lambda p: [entry(p, 1, 120, 0)], id="above-100"),
        pytest.param(lambda p: [entry(p, 1, -5, 0)], id="negative"),
        pytest.param(lambda p: [entry(p, 1, 30, 0), entry(p, 2, 20, 30)], id="goes-down"),
        pytest.param(lambda p: [entry(p, 1, 30, 0), entry(p, 2, 40, 10)], id="lies-about-previous"),
        pytest.param(lambda p: [entry(p, 1, 30, 0), entry(p, 3, 40, 30)], id="skips-a-checkpoint"),
        pytest.param(lambda p: [entry(p, 1, 30, 5)], id="first-with-previous"),
        pytest.param(
            lambda p: [
                entry(p, 1, 15, 0),
                entry(p, 2, 30, 15),
                entry(p, 3, 85, 30),
                entry(p, 4, 90, 85, final=True),
            ],
            id="final-not-100",
        ),
        pytest.param(
            lambda p: [
                entry(p, 1, 15, 0),
                entry(p, 2, 30, 15),
                entry(p, 3, 85, 30),
                entry(p, 4, 100, 85),
            ],
            id="final-flag-differs-from-checkpoint",
        ),
    ],
)
def test_the_database_refuses_a_broken_plan(session, project, rows):
    assert refused(session, rows(project))


def test_the_database_refuses_a_budget_that_does_not_add_up(session, project):
    with pytest.raises(IntegrityError), session.begin_nested():
        project.other = D("1")
        session.flush()


def test_the_database_refuses_a_qualitative_row_with_a_target(session, project):
    row = Indicator(
        project_id=project.id,
        position=1,
        level1="产出指标",
        level2="数量指标",
        name="x",
        value_text="长期使用",
        kind="qualitative",
        target=D("1"),
    )
    assert refused(session, [row])


def test_the_database_refuses_a_duplicate_code_in_a_year(session, project):
    twin = Project(
        year_id=project.year_id,
        unit_id=project.unit_id,
        code="P1",
        name="重复",
        total=D("1"),
        fiscal=D("1"),
        other=D("0"),
    )
    assert refused(session, [twin])
