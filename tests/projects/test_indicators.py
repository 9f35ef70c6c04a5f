"""The direction a target is scored by: the comparator decides, else 成本 means lower is better."""

import pytest

from perf.projects.indicators import value_fields


@pytest.mark.parametrize(
    ("value", "level1", "level2", "direction"),
    [
        ("7人", "产出指标", "数量指标", "higher_better"),
        ("100%", "产出指标", "时效指标", "higher_better"),
        ("2200元/月", "产出指标", "成本指标", "lower_better"),  # 2020 scheme: 成本 as 二级
        ("28万元", "成本指标", "经济成本指标", "lower_better"),  # 2021 scheme: 成本 as 一级
        ("≥2200元/月", "产出指标", "成本指标", "higher_better"),  # an explicit comparator wins
        ("≤28万元", "产出指标", "成本指标", "lower_better"),
        ("=0", "产出指标", "质量指标", "equal"),
        ("<4%", "产出指标", "质量指标", "lower_better"),
        ("长期使用", "效益指标", "可持续影响指标", None),
        ("长期使用", "成本指标", "社会成本指标", None),
    ],
)
def test_effective_direction(value, level1, level2, direction):
    assert value_fields(value, level1, level2)["direction"] == direction


def test_unit_from_a_separate_column_fills_in():
    fields = value_fields("=100", "产出指标", "质量指标", unit_hint="%")
    assert (fields["comparator"], str(fields["target"]), fields["unit"]) == ("=", "100", "%")
