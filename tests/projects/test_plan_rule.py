"""The 资金支出计划 rule as a pure function: table-driven and property-based."""

import itertools
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.projects.plan import plan_problems

LABELS = ["3月底", "6月底", "10月底", "12月底"]


def entries(*pcts):
    return list(zip(LABELS, [D(str(p)) for p in pcts], strict=False))


@pytest.mark.parametrize(
    ("pcts", "expected"),
    [
        ((15, 30, 85, 100), []),
        ((0, 0, 0, 100), []),
        ((100, 100, 100, 100), []),
        ((25, 50, 75, 100), []),
        ((15.5, 30.25, 85, 100), []),
        ((15, 120, 85, 100), ["6月底的计划支出进度 120% 超出 0–100% 的范围"]),
        ((-1, 30, 85, 100), ["3月底的计划支出进度 -1% 超出 0–100% 的范围"]),
        ((30, 20, 85, 100), ["6月底的计划支出进度 20% 低于上一节点的 30%，累计进度不能下降"]),
        ((15, 30, 85, 90), ["12月底的计划支出进度应为 100%，实为 90%"]),
        (
            (50, 40, 30, 20),
            [
                "6月底的计划支出进度 40% 低于上一节点的 50%，累计进度不能下降",
                "10月底的计划支出进度 30% 低于上一节点的 40%，累计进度不能下降",
                "12月底的计划支出进度 20% 低于上一节点的 30%，累计进度不能下降",
                "12月底的计划支出进度应为 100%，实为 20%",
            ],
        ),
        (
            (15, 30, 85, 100.01),
            [
                "12月底的计划支出进度 100.01% 超出 0–100% 的范围",
                "12月底的计划支出进度应为 100%，实为 100.01%",
            ],
        ),
    ],
)
def test_plan_rule_table(pcts, expected):
    assert plan_problems(entries(*pcts)) == expected


def test_empty_plan_has_no_problems_here():
    # Whether a plan is required at all is the service's decision, not the rule's.
    assert plan_problems([]) == []


percent = st.decimals(min_value=0, max_value=100, places=2)


@given(st.lists(percent, min_size=1, max_size=6))
def test_sorted_plans_ending_at_100_are_valid(values):
    pcts = [*sorted(values), D(100)]
    assert plan_problems([(f"节点{i}", p) for i, p in enumerate(pcts)]) == []


@given(st.lists(st.decimals(min_value=-50, max_value=150, places=2), min_size=1, max_size=6))
def test_valid_exactly_when_in_range_non_decreasing_and_ending_at_100(pcts):
    valid = (
        all(D(0) <= p <= D(100) for p in pcts)
        and all(a <= b for a, b in itertools.pairwise(pcts))
        and pcts[-1] == D(100)
    )
    assert (plan_problems([(str(i), p) for i, p in enumerate(pcts)]) == []) == valid
