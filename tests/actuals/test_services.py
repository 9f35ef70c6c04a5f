"""The rules of an actual value (实际完成值), writing one with its audit entry, and ``latest_actuals``."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.actuals.services import latest_actuals, set_actual
from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.projects.models import Indicator
from perf.projects.queries import project_by_code

NETWORK = "13020724P00X4BL10005W"  # 网上审批及时率 ≥95%, 项目预算控制数 ≤28万元, 长期使用性 定性
TRAINEES = "13020724P00F48410007F"  # 见习岗人员数量 7人
YEAR_END = date(2024, 12, 31)


def indicator(session, code: str, name: str) -> Indicator:
    project = project_by_code(code)
    return next(i for i in project.indicators if i.name == name)


def rows(session) -> list[tuple]:
    query = sa.select(ActualValue.value_text, ActualValue.number, ActualValue.unit, ActualValue.kind)
    return [tuple(r) for r in session.execute(query.order_by(ActualValue.id))]


def audits(session) -> list[AuditEntry]:
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "actual.set").order_by(AuditEntry.id)).all()


@pytest.mark.parametrize(
    ("code", "name", "text", "stored"),
    [
        (NETWORK, "网上审批及时率", "96%", ("96%", D("96"), "%", "quantitative")),
        (NETWORK, "网上审批及时率", "96", ("96", D("96"), "%", "quantitative")),  # the target's unit
        (NETWORK, "网上审批及时率", " ９６％ ", ("９６％", D("96"), "%", "quantitative")),
        (NETWORK, "项目预算控制数", "27.5万元", ("27.5万元", D("27.5"), "万元", "quantitative")),
        (NETWORK, "项目预算控制数", "275000元", ("275000元", D("275000"), "元", "quantitative")),  # converts
        (TRAINEES, "见习岗人员数量", "7人", ("7人", D("7"), "人", "quantitative")),
        (NETWORK, "长期使用性", "平台持续稳定运行", ("平台持续稳定运行", None, None, "qualitative")),
        (NETWORK, "长期使用性", "100%", ("100%", None, None, "qualitative")),  # 定性: the text is what counts
    ],
)
def test_accepted_values(session, demo, code, name, text, stored):
    set_actual(indicator(session, code, name), text, YEAR_END, "tester")
    assert rows(session) == [stored]


@pytest.mark.parametrize(
    ("code", "name", "text", "messages"),
    [
        (NETWORK, "网上审批及时率", "  ", ["请填写实际完成值"]),
        (NETWORK, "网上审批及时率", None, ["请填写实际完成值"]),
        (
            NETWORK,
            "网上审批及时率",
            "很好",
            ["年度指标值“≥95%”是定量指标，实际完成值应为一个数（如 96% 或 7人），不能是“很好”"],
        ),
        (TRAINEES, "见习岗人员数量", "7个", ["实际完成值的单位“个”与年度指标值的单位“人”不一致（年度指标值为“7人”）"]),
        (
            NETWORK,
            "项目预算控制数",
            "27.5%",
            ["实际完成值的单位“%”与年度指标值的单位“万元”不一致（年度指标值为“≤28万元”）"],
        ),
        (NETWORK, "网上审批及时率", "≥96%", ["实际完成值应为实际达到的数，不带“≥”等比较符号"]),
        (NETWORK, "长期使用性", "很" * 201, ["实际完成值最多 200 个字符"]),
        # more than ActualValue.number (Numeric(24, 6)) holds: refused, not a 500 on PostgreSQL
        (NETWORK, "网上审批及时率", "1" * 19 + "%", ["实际完成值中的数字过大（整数部分最多 18 位）"]),
    ],
)
def test_refused_values(session, demo, code, name, text, messages):
    with pytest.raises(RuleError) as caught:
        set_actual(indicator(session, code, name), text, YEAR_END, "tester")
    assert caught.value.messages == messages
    assert rows(session) == []
    assert audits(session) == []


def test_date_outside_the_budget_year_is_refused(session, demo):
    with pytest.raises(RuleError) as caught:
        set_actual(indicator(session, NETWORK, "网上审批及时率"), "96%", date(2042, 12, 31), "tester")
    assert caught.value.messages == ["日期 2042-12-31 不在 2024 预算年度内"]


def test_insert_then_update_then_same_again(session, demo):
    target = indicator(session, NETWORK, "网上审批及时率")
    first = set_actual(target, "94%", YEAR_END, "alice", reason="系统升级停机")
    second = set_actual(target, "96%", YEAR_END, "bob", note="年终统计")
    assert second.id == first.id
    assert (second.value_text, second.note, second.reason, second.entered_by) == ("96%", "年终统计", "", "bob")
    set_actual(target, "96%", YEAR_END, "carol", note="年终统计")  # the same content: no change, no entry
    assert second.entered_by == "bob"
    entries = audits(session)
    project_id = str(target.project_id)
    assert [(e.actor, e.object_type, e.object_id) for e in entries] == [
        ("alice", "project", project_id),
        ("bob", "project", project_id),
    ]
    assert entries[0].summary == "实际完成值 网上审批及时率（2024-12-31）：（无） → 94%"
    assert entries[0].changes == {
        "网上审批及时率实际完成值": [None, "94%"],
        "网上审批及时率偏差原因": ["", "系统升级停机"],
    }
    assert entries[1].changes == {
        "网上审批及时率实际完成值": ["94%", "96%"],
        "网上审批及时率备注": ["", "年终统计"],
        "网上审批及时率偏差原因": ["系统升级停机", ""],
    }


def test_none_keeps_the_stored_note_and_reason(session, demo):
    target = indicator(session, NETWORK, "网上审批及时率")
    set_actual(target, "94%", YEAR_END, "alice", note="备注", reason="原因")
    row = set_actual(target, "95%", YEAR_END, "alice", note=None, reason=None)
    assert (row.note, row.reason) == ("备注", "原因")


def test_latest_actuals_takes_the_latest_on_or_before_the_date(session, demo):
    rate = indicator(session, NETWORK, "网上审批及时率")
    cost = indicator(session, NETWORK, "项目预算控制数")
    other = indicator(session, TRAINEES, "见习岗人员数量")
    set_actual(rate, "90%", date(2024, 6, 30), "t")
    set_actual(rate, "93%", date(2024, 7, 31), "t")
    set_actual(rate, "96%", YEAR_END, "t")
    set_actual(cost, "12万元", date(2024, 7, 31), "t")
    set_actual(other, "7人", date(2024, 7, 31), "t")
    project = project_by_code(NETWORK)
    session.expunge_all()

    def texts(as_of):
        return {key: row.value_text for key, row in latest_actuals(project, as_of).items()}

    assert texts(date(2024, 6, 1)) == {}
    assert texts(date(2024, 6, 30)) == {rate.id: "90%"}
    assert texts(date(2024, 8, 15)) == {rate.id: "93%", cost.id: "12万元"}
    assert texts(YEAR_END) == {rate.id: "96%", cost.id: "12万元"}


def test_latest_actuals_is_one_query(session, demo, count_queries):
    rate = indicator(session, NETWORK, "网上审批及时率")
    set_actual(rate, "96%", YEAR_END, "t")
    project = project_by_code(NETWORK)
    with count_queries() as counted:
        latest_actuals(project, YEAR_END)
    assert len(counted) == 1
