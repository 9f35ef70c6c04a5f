"""perf self-eval: the scoring of a sample project from payments, actual values and a 定性 band.

Project 13020724P00X4BL10005W (预算 28.00 万元): 产出 4 rows × 12.50, 效益 3 rows × 10.00,
满意度 1 row × 10.00 (the default even split of 50 / 30 / 10).
"""

import json
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.projects.indicator_value import parse_value
from perf.projects.models import Indicator, Project
from perf.spending.models import Payment

CODE = "13020724P00X4BL10005W"
ACTUALS = {
    "提供材料比例": "45%",  # ≥40%: met -> 12.50
    "办理结果电子化率": "81%",  # ≥90%: 81 ÷ 90 × 12.5 = 11.25
    "网上审批及时率": "95%",  # ≥95%: met (equal) -> 12.50
    "项目预算控制数": "30万元",  # ≤28万元: (1 − (30 − 28) ÷ 28) × 12.5 = 11.6071… -> 11.61
    "平台使用率": "96%",  # ≥95%: met -> 10.00
    "网上审批率": "49%",  # ≥98%: 49 ÷ 98 × 10 = 5.00
    "服务对象满意度": "98%",  # ≥98%: met -> 10.00
}


@pytest.fixture
def scored(session, demo):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    session.add(Payment(project_id=project.id, paid_on=date(2024, 11, 30), amount=D("266000"), voucher_no="P1"))
    by_name = {i.name: i for i in session.scalars(sa.select(Indicator).where(Indicator.project_id == project.id))}
    for name, text in ACTUALS.items():
        parsed = parse_value(text)
        session.add(
            ActualValue(
                indicator_id=by_name[name].id,
                as_of=date(2024, 12, 31),
                value_text=text,
                number=parsed.number,
                unit=parsed.unit,
                kind=parsed.kind.value,
            )
        )
    evaluation = SelfEvaluation(project_id=project.id)
    evaluation.rows = [EvaluationRow(indicator_id=by_name["长期使用性"].id, band="partial", band_score=D("7"))]
    session.add(evaluation)
    session.commit()
    return by_name


def self_eval(runner) -> dict:
    result = runner.invoke(args=["perf", "self-eval", CODE, "--year", "2024", "--json"])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return json.loads(result.output)


def test_scores_equal_the_hand_computed_values(runner, scored):
    data = self_eval(runner)
    # 266000 元 ÷ 280000 元 = 95.00%; score 0.95 × 10 = 9.50
    assert data["execution"] == {"budget": "28.00", "spent": "26.60", "rate": "95.00", "score": "9.50"}
    rows = {row["name"]: (row["weight"], row["score"], row["actual"]) for row in data["indicators"]}
    assert rows == {
        "提供材料比例": ("12.50", "12.50", "45%"),
        "办理结果电子化率": ("12.50", "11.25", "81%"),
        "网上审批及时率": ("12.50", "12.50", "95%"),
        "项目预算控制数": ("12.50", "11.61", "30万元"),
        "平台使用率": ("10.00", "10.00", "96%"),
        "网上审批率": ("10.00", "5.00", "49%"),
        "长期使用性": ("10.00", "7.00", "部分达成并具有一定效果"),  # 定性, band 60–80% of 10, given 7
        "服务对象满意度": ("10.00", "10.00", "98%"),
    }
    # 12.50 + 11.25 + 12.50 + 11.61 + 10.00 + 5.00 + 7.00 + 10.00 = 79.86; + 9.50 = 89.36
    assert (data["total"], data["grade"], data["warning"]) == ("89.36", "良", "green")


def test_over_achievement_without_a_reason_is_listed(runner, scored, session):
    actual = session.scalar(sa.select(ActualValue).where(ActualValue.indicator_id == scored["提供材料比例"].id))
    actual.value_text, actual.number = "60%", D("60")  # 60 ≥ 130% × 40 = 52
    session.commit()
    output = runner.invoke(args=["perf", "self-eval", CODE, "--year", "2024"]).output
    assert "提供材料比例" in output and "偏差原因" in output
    assert self_eval(runner)["indicators"][0]["score"] == "12.50"  # the score itself is not cut


def test_unknown_project(runner, demo):
    result = runner.invoke(args=["perf", "self-eval", "NOPE", "--year", "2024"])
    assert result.exit_code != 0 and "没有项目编码为 NOPE 的项目" in (result.stderr or result.output)
