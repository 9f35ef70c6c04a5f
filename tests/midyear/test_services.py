"""The 监控表 on the sample department: rows, lights, the spending side, saving entries, the setting."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf import create_app
from perf.actuals.models import ActualValue
from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.midyear import queries
from perf.midyear.models import MonitoringEntry
from perf.midyear.services import EntryData, save_entries
from perf.midyear.settings import RoundSettingError, round_date
from perf.projects.queries import project_by_code
from perf.spending.status import compute
from tests.midyear.conftest import ACTUALS, NETWORK, ROUND, indicator_of

LIGHTS = {
    "提供材料比例": ("yellow", D("75.00")),
    "办理结果电子化率": ("green", D("105.56")),
    "网上审批及时率": ("red", D("52.63")),
    "项目预算控制数": ("green", None),
    "平台使用率": ("green", D("104.21")),
    "网上审批率": ("missing", None),
    "长期使用性": ("missing", None),
    "服务对象满意度": ("blue", D("122.45")),
}


def entries(session) -> list[MonitoringEntry]:
    return session.scalars(sa.select(MonitoringEntry).order_by(MonitoringEntry.indicator_id)).all()


def audits(session, action="midyear.set") -> list[AuditEntry]:
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_sheet_rows_lights_and_spending(session, network):
    sheet = queries.sheet(network, ROUND)
    assert sheet.months == 7 and sheet.period == "1–7月"
    got = {row.indicator.name: (row.light.level, row.light.completion_pct) for row in sheet.rows}
    assert got == LIGHTS
    first = sheet.rows[0]
    assert first.actual.value_text == "30%"  # the 8月15日 value comes after the round
    assert [(r.level1_span, r.level2_span) for r in sheet.rows[:4]] == [(4, 1), (0, 1), (0, 1), (0, 1)]
    assert sheet.light == "red"
    assert sheet.counts == {"green": 3, "yellow": 1, "red": 1, "blue": 1, "missing": 2}
    spending = sheet.spending
    assert (spending.budget, spending.paid, spending.actual_pct) == (D("28.00"), D("168000.00"), D("60.00"))
    assert (spending.checkpoint_label, spending.planned_pct, spending.level) == ("6月底", D("30.00"), "green")
    scanned = next(s for s in compute(ROUND, network.budget_year) if s.project_id == network.id)
    assert spending == scanned


def test_sheet_without_anything_is_missing_and_behind_plan(session, demo):
    project = project_by_code("13020724P00EL6T100050")
    sheet = queries.sheet(project, ROUND)
    assert {row.light.level for row in sheet.rows} == {"missing"}
    assert sheet.light == "missing" and sheet.unfilled == len(sheet.rows)
    assert (sheet.spending.actual_pct, sheet.spending.level) == (D("0.00"), "red")


def test_a_stored_actual_in_a_foreign_unit_is_missing_with_the_reason(session, network):
    row = next(r for r in queries.sheet(network, ROUND).rows if r.indicator.name == "提供材料比例")
    row.actual.unit = "人"  # as if the target had been changed after the value was entered
    again = queries.light_of(row.indicator, row.actual, 7, None)
    assert again.light.level == "missing" and "单位" in again.problem


def good_rows(project) -> list[EntryData]:
    """A complete, valid table: explanations on the red, yellow and unsure rows."""
    data = []
    for indicator in project.indicators:
        light = LIGHTS[indicator.name][0]
        row = EntryData(
            indicator.id, forecast="按计划完成" if indicator.kind == "qualitative" else "", likelihood="certain"
        )
        if indicator.kind == "quantitative":
            row.forecast = {"%": "96%", "万元": "27万元"}[indicator.unit]
        if light in ("red", "yellow"):
            row.likelihood, row.causes, row.measures = "possible", ["staffing", "funding"], "增派人员，加快进度"
        data.append(row)
    return data


def test_saving_a_table_writes_entries_and_one_audit_entry_each(session, network):
    assert save_entries(network, ROUND, good_rows(network), "t-owner") == 8
    stored = entries(session)
    assert len(stored) == 8 and {e.round_on for e in stored} == {ROUND}
    red = next(e for e in stored if e.indicator_id == indicator_of(network, "网上审批及时率").id)
    assert (red.likelihood, red.causes, red.measures) == ("possible", ["funding", "staffing"], "增派人员，加快进度")
    assert red.updated_by == "t-owner"
    logged = audits(session)
    assert len(logged) == 8 and {a.object_id for a in logged} == {str(network.id)}
    entry = next(a for a in logged if "网上审批及时率" in a.summary)
    assert entry.changes["网上审批及时率偏差原因"] == ["", "经费保障、人员保障"]
    assert entry.changes["网上审批及时率完成目标可能性"] == ["", "有可能"]
    assert "第3行" in entry.summary and "2024-07-31" in entry.summary


def test_saving_the_same_again_changes_nothing(session, network):
    save_entries(network, ROUND, good_rows(network), "t-owner")
    assert save_entries(network, ROUND, good_rows(network), "t-owner") == 0
    assert len(audits(session)) == 8


def test_changing_one_row_audits_only_that_row(session, network):
    save_entries(network, ROUND, good_rows(network), "t-owner")
    rows = good_rows(network)
    rows[1].forecast = "97%"
    assert save_entries(network, ROUND, rows, "t-owner") == 1
    last = audits(session)[-1]
    assert last.changes == {"办理结果电子化率全年预计完成情况": ["96%", "97%"]}


def test_a_cleared_row_clears_its_entry(session, network):
    save_entries(network, ROUND, good_rows(network), "t-owner")
    target = indicator_of(network, "平台使用率")
    assert save_entries(network, ROUND, [EntryData(target.id)], "t-owner") == 1
    entry = session.scalar(sa.select(MonitoringEntry).where(MonitoringEntry.indicator_id == target.id))
    assert (entry.forecast_text, entry.likelihood, entry.causes, entry.measures) == ("", None, [], "")


def test_blank_rows_are_left_for_later(session, network):
    assert save_entries(network, ROUND, [EntryData(i.id) for i in network.indicators], "t-owner") == 0
    assert entries(session) == []


def by_indicator(error: RuleError, rows) -> dict:
    """The RuleError's ``entries.<position>.<field>`` paths as {indicator id: {field: messages}} (None: the form)."""
    found: dict = {}
    for path, messages in error.errors.items():
        if not path:
            found.setdefault(None, {}).setdefault("form", []).extend(messages)
            continue
        _, position, field = path.split(".")
        found.setdefault(rows[int(position)].indicator_id, {})[field] = messages
    return found


def errors_of(project, rows) -> dict:
    with pytest.raises(RuleError) as caught:
        save_entries(project, ROUND, rows, "t-owner")
    return by_indicator(caught.value, rows)


@pytest.mark.parametrize(
    ("name", "changes", "field", "message"),
    [
        ("网上审批及时率", {"causes": []}, "causes", "该指标为红灯，请选择偏差原因"),
        ("网上审批及时率", {"measures": " "}, "measures", "该指标为红灯，请填写纠偏措施"),
        ("提供材料比例", {"measures": ""}, "measures", "该指标为黄灯，请填写纠偏措施"),
        ("平台使用率", {"likelihood": "impossible"}, "causes", "完成目标可能性为“完全不可能”，请选择偏差原因"),
        ("平台使用率", {"likelihood": None}, "likelihood", "请选择完成目标可能性"),
        ("平台使用率", {"likelihood": "maybe"}, "likelihood", "完成目标可能性应为确定能、有可能或完全不可能"),
        ("平台使用率", {"forecast": ""}, "forecast", "请填写全年预计完成情况"),
        ("平台使用率", {"forecast": "很高"}, "forecast", "年度指标值“≥95%”是定量指标，全年预计完成情况应为一个数"),
        ("平台使用率", {"forecast": "≥96%"}, "forecast", "全年预计完成情况应为预计达到的数，不带“≥”等比较符号"),
        ("平台使用率", {"forecast": "5人"}, "forecast", "单位“人”与年度指标值的单位“%”不一致"),
        ("平台使用率", {"forecast": "9" * 201}, "forecast", "全年预计完成情况最多 200 个字符"),
        ("平台使用率", {"causes": ["weather"]}, "causes", "偏差原因只能从"),
        ("平台使用率", {"measures": "措" * 2001}, "measures", "纠偏措施最多 2000 个字"),
        ("平台使用率", {"actual": "很好"}, "actual", "1–7月执行情况应为一个数"),
        # the light of a typed 1–7月 value decides: 50% of ≥95% is red
        ("平台使用率", {"actual": "50%"}, "causes", "该指标为红灯，请选择偏差原因"),
        # 定性: the likelihood is the band
        ("长期使用性", {"likelihood": "possible"}, "measures", "完成目标可能性为“有可能”，请填写纠偏措施"),
    ],
)
def test_rule_messages_and_nothing_written(session, network, name, changes, field, message):
    rows = good_rows(network)
    indicator = indicator_of(network, name)
    row = next(r for r in rows if r.indicator_id == indicator.id)
    for key, value in changes.items():
        setattr(row, key, value)
    errors = errors_of(network, rows)
    assert list(errors) == [indicator.id]
    assert any(message in text for text in errors[indicator.id][field]), errors
    assert entries(session) == [] and audits(session) == []


def test_a_foreign_or_repeated_indicator_is_refused(session, network):
    other = project_by_code("13020724P00EL6T100050").indicators[0]
    assert errors_of(network, [EntryData(other.id)]) == {
        None: {"form": ["提交的指标与本项目不符，请刷新页面后重新填写"]}
    }
    first = network.indicators[0].id
    assert None in errors_of(network, [EntryData(first), EntryData(first)])


def test_a_typed_value_is_stored_as_the_actual_on_the_round_date(session, network):
    rows = good_rows(network)
    missing = indicator_of(network, "网上审批率")
    row = next(r for r in rows if r.indicator_id == missing.id)
    row.actual = "99%"
    save_entries(network, ROUND, rows, "t-owner")
    stored = session.scalar(sa.select(ActualValue).where(ActualValue.indicator_id == missing.id))
    assert (stored.as_of, stored.value_text, stored.number) == (ROUND, "99%", D("99"))
    assert len(audits(session, "actual.set")) == len(ACTUALS) + 1 + 1  # the fixture's, its 8月 value, this one
    again = next(r for r in queries.sheet(network, ROUND).rows if r.indicator.id == missing.id)
    assert again.light.level == "green"


def test_a_locked_self_evaluation_refuses_a_new_value_at_its_row(session, network):
    from perf.evaluation.models import SelfEvaluation

    session.add(SelfEvaluation(project_id=network.id, status="submitted"))
    session.flush()
    rows = good_rows(network)
    missing = indicator_of(network, "网上审批率")
    next(r for r in rows if r.indicator_id == missing.id).actual = "99%"
    with pytest.raises(RuleError) as refused:
        save_entries(network, ROUND, rows, "t-owner")
    assert by_indicator(refused.value, rows) == {
        missing.id: {"actual": ["绩效自评待审核，实际完成值已锁定（撤回、退回或重新打开后才能修改）"]}
    }


def test_the_unchanged_latest_value_is_not_written_again(session, network):
    rows = good_rows(network)
    texts = {indicator_of(network, name).id: text for name, (text, _) in ACTUALS.items()}
    for row in rows:
        row.actual = texts.get(row.indicator_id, "")
    save_entries(network, ROUND, rows, "t-owner")
    assert session.scalar(sa.select(sa.func.count(ActualValue.id))) == len(ACTUALS) + 1  # with the fixture's 8月 value


def test_overview_lists_visible_projects_with_their_lights(session, network, users):
    page = queries.overview("306", 2024, round_date, users["reviewer"])
    assert len(page.sheets) == 7
    by_code = {sheet.project.code: sheet for sheet in page.sheets}
    assert by_code[NETWORK].light == "red" and by_code[NETWORK].counts["blue"] == 1
    assert by_code[NETWORK].spending.actual_pct == D("60.00")
    assert page.counts == {"red": 1, "missing": 6}
    assert queries.overview("306", 2024, round_date, users["other_owner"]).sheets == []
    assert queries.overview("999", 2024, round_date, users["admin"]) is None


def test_overview_takes_a_few_queries_whatever_the_projects(session, network, users, count_queries):
    with count_queries() as counted:
        queries.overview("306", 2024, round_date, users["admin"])
    assert len(counted) <= 12, counted


def test_the_round_date_is_configurable(app, session):
    saved = app.config["MIDYEAR_ROUND"]
    app.config["MIDYEAR_ROUND"] = "06-30"
    try:
        assert round_date(2024) == date(2024, 6, 30)
    finally:
        app.config["MIDYEAR_ROUND"] = saved
    assert round_date(2024) == date(2024, 7, 31)


def test_environment_override_and_a_clear_startup_error(monkeypatch, tmp_path):
    base = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    monkeypatch.setenv("PERF_MIDYEAR_ROUND", "06-30")
    assert create_app(base).config["MIDYEAR_ROUND"] == "06-30"
    monkeypatch.setenv("PERF_MIDYEAR_ROUND", "07/31")
    with pytest.raises(RoundSettingError, match=r"MIDYEAR_ROUND \(PERF_MIDYEAR_ROUND\) must be a month-day"):
        create_app(base)
