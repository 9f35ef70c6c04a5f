"""The self-evaluation workflow: the owner fills and submits, the reviewer signs off, returns or reopens.

Project 13020724P00X4BL10005W (预算 28.00 万元) belongs to t-owner's unit; its 8 indicators
carry the default weights 12.50 × 4 (产出), 10.00 × 3 (效益), 10.00 (满意度).
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.actuals.services import set_actual
from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.evaluation import workflow
from perf.evaluation.models import SelfEvaluation
from perf.evaluation.services import evaluation_of
from perf.evaluation.workflow import SELF_EVALUATION
from perf.projects.models import Indicator, Project
from perf.spending.schemas import PaymentData
from perf.spending.services import add_payment
from perf.workflow.engine import take
from perf.workflow.models import KeptVersion

CODE = "13020724P00X4BL10005W"
YEAR_END = date(2024, 12, 31)
ACTUALS = {
    "提供材料比例": "45%",
    "办理结果电子化率": "90%",
    "网上审批及时率": "95%",
    "项目预算控制数": "27.5万元",
    "平台使用率": "96%",
    "网上审批率": "98%",
    "服务对象满意度": "99%",
}


@pytest.fixture
def project(session, users):
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    add_payment(project, PaymentData(CODE, date(2024, 12, 20), D("266000"), "ZF-1"), "test")  # 26.6 of 28 万元
    for indicator in project.indicators:
        if indicator.name in ACTUALS:
            set_actual(indicator, ACTUALS[indicator.name], YEAR_END, "test")
    session.commit()
    return project


def form_data(project, band="achieved", band_score=D("9"), **changes) -> dict:
    """The form as the page first shows it, with the 定性 row (长期使用性, 10 points) banded."""
    rows = []
    for row, indicator in zip(workflow.current_rows(project), project.indicators, strict=True):
        if indicator.name == "长期使用性":
            row = replace(row, band=band, band_score=band_score)
        rows.append(vars(row))
    return {"outcome": "平台全年稳定运行", "rows": rows, **changes}


def with_row(data: dict, index: int, **changes) -> dict:
    """``data`` with row ``index`` changed."""
    rows = [dict(row) for row in data["rows"]]
    rows[index].update(changes)
    return {**data, "rows": rows}


def test_a_complete_evaluation_is_submitted_signed_and_kept(session, users, project):
    owner, reviewer = users["owner"], users["reviewer"]
    workflow.save(project, owner, form_data(project))
    take(SELF_EVALUATION, "submit", project, owner, "请审核")
    evaluation = workflow.stored_evaluation(project)
    assert evaluation.status == "submitted"
    # 26.6 ÷ 28 × 10 = 9.50; indicators all met (80 points) + 9 for the band -> 89.00 + 9.50 = 98.50
    assert evaluation_of(project).total == D("98.50")
    take(SELF_EVALUATION, "sign", project, reviewer, "同意")
    assert (evaluation.status, evaluation.signed_by_id) == ("signed", reviewer.id)
    assert evaluation.signed_at is not None
    kept = workflow.versions_of(evaluation)
    assert [(v.number, v.kind, v.snapshot["scoring"]["total"]) for v in kept] == [
        (1, "submitted", "98.50"),
        (2, "signed", "98.50"),
    ]
    assert kept[1].snapshot["outcome"] == "平台全年稳定运行"
    actions = session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_id == str(project.id)).order_by(AuditEntry.id)
    ).all()
    assert actions[-3:] == ["self_evaluation.save", "self_evaluation.submit", "self_evaluation.sign"]


def test_weights_must_sum_to_90_before_submission(users, project):
    data = with_row(form_data(project), 0, weight=D("10.00"))  # 产出 now 47.50, the total 87.50
    workflow.save(project, users["owner"], data)
    with pytest.raises(RuleError) as refused:
        take(SELF_EVALUATION, "submit", project, users["owner"])
    assert "产出指标的分值合计应为50.00，现为47.50" in refused.value.messages
    assert "指标分值合计应为90.00，现为87.50" in refused.value.messages
    assert workflow.stored_evaluation(project).status == "draft"


def test_over_achievement_without_a_reason_is_refused(session, users, project):
    materials = next(i for i in project.indicators if i.name == "提供材料比例")
    set_actual(materials, "60%", YEAR_END, "test")  # ≥40%: 60 ÷ 40 = 150% ≥ 130%
    workflow.save(project, users["owner"], form_data(project))
    with pytest.raises(RuleError) as refused:
        take(SELF_EVALUATION, "submit", project, users["owner"])
    assert "第1行“提供材料比例”实际完成值偏离年度指标值较大（完成率150.00%），须填写偏差原因分析及改进措施" in (
        refused.value.messages
    )
    data = with_row(form_data(project), 0, reason="新增材料清单，目标定得偏低，明年调整为≥55%")
    workflow.save(project, users["owner"], data)
    take(SELF_EVALUATION, "submit", project, users["owner"])
    assert workflow.stored_evaluation(project).status == "submitted"


def test_a_submitted_evaluation_is_locked_with_its_actual_values(users, project):
    workflow.save(project, users["owner"], form_data(project))
    take(SELF_EVALUATION, "submit", project, users["owner"])
    with pytest.raises(RuleError, match="绩效自评待审核，不能修改"):
        workflow.save(project, users["owner"], form_data(project, band_score=D("10")))
    materials = next(i for i in project.indicators if i.name == "提供材料比例")
    with pytest.raises(match="实际完成值已锁定"):
        set_actual(materials, "50%", YEAR_END, "test")
    with pytest.raises(RuleError, match="只有本部门的财务审核可以审核"):
        take(SELF_EVALUATION, "sign", project, users["owner"])


def test_return_needs_a_comment_and_reopens_the_draft(users, project):
    workflow.save(project, users["owner"], form_data(project))
    take(SELF_EVALUATION, "submit", project, users["owner"])
    with pytest.raises(RuleError, match="退回时必须填写审核意见"):
        take(SELF_EVALUATION, "return", project, users["reviewer"], "  ")
    take(SELF_EVALUATION, "return", project, users["reviewer"], "定性指标得分偏高")
    assert workflow.stored_evaluation(project).status == "draft"
    workflow.save(project, users["owner"], form_data(project, band="partial", band_score=D("7")))


def test_reopening_a_signed_evaluation_needs_a_reason_and_keeps_its_versions(users, project):
    workflow.save(project, users["owner"], form_data(project))
    take(SELF_EVALUATION, "submit", project, users["owner"])
    take(SELF_EVALUATION, "sign", project, users["reviewer"])
    with pytest.raises(RuleError, match="重新打开时必须填写原因"):
        take(SELF_EVALUATION, "reopen", project, users["reviewer"], "")
    take(SELF_EVALUATION, "reopen", project, users["reviewer"], "审计发现支付数有误")
    evaluation = workflow.stored_evaluation(project)
    assert (evaluation.status, evaluation.signed_by_id) == ("draft", None)
    assert [v.kind for v in workflow.versions_of(evaluation)] == ["submitted", "signed"]


def test_only_the_units_owner_fills_and_only_an_approved_table(session, users, project):
    with pytest.raises(RuleError, match="只有本单位的项目负责人可以填报"):
        workflow.save(project, users["other_owner"], form_data(project))
    project.status = "draft"
    with pytest.raises(RuleError, match="绩效目标表批复后才能填报绩效自评"):
        workflow.save(project, users["owner"], form_data(project))
    assert session.scalar(sa.select(sa.func.count()).select_from(SelfEvaluation)) == 0


def test_a_band_score_outside_its_band_is_refused_at_its_field(users, project):
    position = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    with pytest.raises(RuleError) as refused:
        workflow.save(project, users["owner"], form_data(project, band="partial", band_score=D("8")))
    # 部分达成 is [60%, 80%) of 10 points: 8 is the next band's
    expected = ["“部分达成并具有一定效果”的得分应不低于 6 且低于 8"]
    assert refused.value.errors == {f"rows.{position}.band_score": expected}
    with pytest.raises(RuleError) as refused:
        workflow.save(project, users["owner"], form_data(project, band=None, band_score=D("8")))
    assert refused.value.errors == {f"rows.{position}.band": ["请选择评价档次"]}


def test_a_stale_form_is_refused(users, project):
    workflow.save(project, users["owner"], form_data(project))
    evaluation = workflow.stored_evaluation(project)
    started_from = evaluation.lock_version
    workflow.save(project, users["owner"], form_data(project, band_score=D("10")))
    with pytest.raises(RuleError, match="已被他人修改"):
        workflow.save(project, users["owner"], form_data(project), lock_version=started_from)


def test_an_indicator_of_another_project_is_refused(session, users, project):
    other = session.scalar(sa.select(Indicator).where(Indicator.project_id != project.id))
    data = with_row(form_data(project), 0, indicator_id=other.id)
    with pytest.raises(RuleError) as refused:
        workflow.save(project, users["owner"], data)
    assert refused.value.errors == {"rows": ["指标与绩效目标表不一致，请刷新页面后重新填写"]}
    kept = sa.select(sa.func.count()).select_from(KeptVersion).where(KeptVersion.workflow == "self_evaluation")
    assert session.scalar(kept) == 0


def test_numbers_the_database_cannot_hold_are_refused_at_their_fields(users, project):
    data = with_row(form_data(project, band_score=D("100000")), 0, weight=D("99999999"))
    position = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    with pytest.raises(RuleError) as refused:
        workflow.save(project, users["owner"], {**data, "full_year_budget": D("1000000000000")})
    assert refused.value.errors == {
        "full_year_budget": ["金额过大（整数部分最多 9 位）"],
        "rows.0.weight": ["分值不能超过 90.00"],
        f"rows.{position}.band_score": ["得分不能超过本行分值 10.00"],
    }


def test_a_score_past_every_bound_names_the_rows_own_points(users, project):
    position = next(i for i, ind in enumerate(project.indicators) if ind.name == "长期使用性")
    data = with_row(form_data(project), position, weight=D("10"), band="missed", band_score=D("99"))
    with pytest.raises(RuleError) as refused:
        workflow.save(project, users["owner"], data)
    assert refused.value.errors == {f"rows.{position}.band_score": ["得分不能超过本行分值 10.00"]}
