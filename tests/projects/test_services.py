"""Project services: the same rules as the database, with Chinese messages."""

from datetime import date
from decimal import Decimal as D

import pytest

from perf.errors import RuleError
from perf.org.models import Department, Unit
from perf.org.services import ensure_year
from perf.projects.services import create_project, replace_plan
from perf.settings.services import save

DATES = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 10, 31), date(2024, 12, 31)]


@pytest.fixture
def year(session):
    return ensure_year(2024, DATES)


@pytest.fixture
def unit(session):
    return Unit(department=Department(code="999", name="测试部门"), name="测试单位本级")


def data(**changes):
    base = {
        "code": "P1",
        "name": "测试项目",
        "total": D("28.00"),
        "fiscal": D("20.00"),
        "other": D("8.00"),
        "spend_plan": [D(15), D(30), D(85), D(100)],
        "indicators": [{"level1": "产出指标", "level2": "成本指标", "name": "项目预算控制数", "value": "28万元"}],
    }
    return {**base, **changes}


def test_create_project_stores_plan_and_parsed_indicators(year, unit):
    project = create_project(year, unit, data(), actor="test")
    assert [e.cumulative_pct for e in project.plan] == [D(15), D(30), D(85), D(100)]
    (row,) = project.indicators
    assert (row.comparator, row.target, row.unit, row.kind, row.direction) == (
        None,
        D(28),
        "万元",
        "quantitative",
        "lower_better",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"other": D("7.00")}, "财政资金 20.00 万元 + 其他资金 7.00 万元 ≠ 预算数 28.00 万元"),
        ({"spend_plan": [D(15), D(30), D(100)]}, "资金支出计划应有 4 个节点，实为 3 个"),
        (
            {"spend_plan": [D(15), D(10), D(85), D(100)]},
            "6月底的计划支出进度 10% 低于上一节点的 15%，累计进度不能下降",
        ),
        ({"spend_plan": [D(15), D(30), D(85), D(99)]}, "12月底的计划支出进度应为 100%，实为 99%"),
    ],
)
def test_create_project_refuses_broken_rules(year, unit, changes, message):
    with pytest.raises(RuleError) as caught:
        create_project(year, unit, data(**changes), actor="test")
    assert message in caught.value.messages


def test_replacing_a_plan_twice_keeps_one_entry_per_checkpoint(year, unit):
    project = create_project(year, unit, data(), actor="test")
    replace_plan(project, [D(25), D(50), D(75), D(100)])
    replace_plan(project, [D(0), D(0), D(50), D(100)])
    assert [e.cumulative_pct for e in project.plan] == [D(0), D(0), D(50), D(100)]


def test_an_empty_plan_removes_it(year, unit):
    project = create_project(year, unit, data(), actor="test")
    replace_plan(project, [])
    assert project.plan == []


def test_a_year_keeps_its_checkpoints(year):
    assert ensure_year(2024) is year
    assert ensure_year(2024, DATES) is year
    with pytest.raises(RuleError, match="不一致"):
        ensure_year(2024, DATES[1:])


def test_a_new_year_gets_the_configured_default_checkpoints(session):
    created = ensure_year(2025)
    assert [(c.on_date, c.label, c.is_final) for c in created.checkpoints] == [
        (date(2025, 3, 31), "3月底", False),
        (date(2025, 6, 30), "6月底", False),
        (date(2025, 10, 31), "10月底", False),
        (date(2025, 12, 31), "12月底", True),
    ]


def test_a_saved_extra_unit_makes_a_stored_target_quantitative(year, unit):
    from_settings = {"level1": "产出指标", "level2": "数量指标", "name": "完成标段数", "value": "≥12标段"}
    before = create_project(year, unit, data(code="P2", indicators=[from_settings]), actor="test")
    assert (before.indicators[0].kind, before.indicators[0].unit) == ("qualitative", None)
    save("admin", {"extra_units": ["标段"]})
    project = create_project(year, unit, data(indicators=[from_settings]), actor="test")
    (row,) = project.indicators
    assert (row.comparator, row.target, row.unit, row.kind, row.direction) == (
        "≥", D(12), "标段", "quantitative", "higher_better",
    )  # fmt: skip
    huge = {**from_settings, "value": "9" * 20 + "标段"}  # the schema's check reads the same units
    with pytest.raises(RuleError) as refused:
        create_project(year, unit, data(code="P3", indicators=[huge]), actor="test")
    assert "指标值中的数字过大" in str(refused.value.errors)
