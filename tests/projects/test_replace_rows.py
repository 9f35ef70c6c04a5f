"""Replacing a table's rows updates the matched rows in place: their ids, and what is recorded against them, stay."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.midyear.models import MonitoringEntry
from perf.org.models import Department, Unit
from perf.org.services import ensure_year
from perf.projects.keepers import recorded_on
from perf.projects.models import Indicator
from perf.projects.replacing import row_changes
from perf.projects.schemas import load_table
from perf.projects.services import create_project, overwrite_project, update_project

DATES = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 10, 31), date(2024, 12, 31)]


def row(name, value, level2="数量指标", level1="产出指标"):
    return {"level1": level1, "level2": level2, "name": name, "value": value}


def table(rows):
    return {
        "code": "P1",
        "name": "测试项目",
        "total": D("10.00"),
        "fiscal": D("10.00"),
        "spend_plan": [D(15), D(30), D(85), D(100)],
        "indicators": rows,
    }


BEFORE = [row("培训人数", "100人"), row("培训人数", "200人"), row("合格率", "≥90%", "质量指标")]


@pytest.fixture
def project(session):
    year = ensure_year(2024, DATES)
    unit = Unit(department=Department(code="999", name="测试部门"), name="测试单位本级")
    return create_project(year, unit, table(BEFORE), actor="test", status="approved", published=True)


def actual(indicator, text, number, unit, as_of=date(2024, 12, 31)):
    return ActualValue(
        indicator_id=indicator.id, as_of=as_of, value_text=text, number=number, unit=unit, kind="quantitative"
    )


def stored(project):
    return [(i.id, i.position, i.name, i.value_text, i.target) for i in project.indicators]


def test_matched_rows_keep_their_ids_in_the_new_order_and_a_duplicate_pairs_in_order(session, project):
    first, second, rate = project.indicators
    session.add(actual(second, "180人", D(180), "人"))
    session.flush()
    after = [row("合格率", "≥95%", "质量指标"), row("培训人数", "100人"), row("培训人数", "250人"), row("新增", "1个")]
    overwrite_project(project, table(after), "test", "project.replace", "覆盖")
    rows = stored(project)
    assert rows[:3] == [
        (rate.id, 1, "合格率", "≥95%", D(95)),
        (first.id, 2, "培训人数", "100人", D(100)),
        (second.id, 3, "培训人数", "250人", D(250)),
    ]
    assert rows[3][1:] == (4, "新增", "1个", D(1)) and rows[3][0] not in {first.id, second.id, rate.id}
    kept = session.scalar(sa.select(ActualValue).where(ActualValue.indicator_id == second.id))
    assert kept.value_text == "180人"  # the second 培训人数's actual stays with the second


def test_a_dropped_row_takes_what_it_carries_and_the_rest_stays(session, project):
    first, second, rate = project.indicators
    session.add_all([actual(first, "90人", D(90), "人"), actual(rate, "96%", D(96), "%")])
    session.flush()
    overwrite_project(project, table([BEFORE[0], BEFORE[2]]), "test", "project.replace", "覆盖")
    session.expire_all()
    assert [i.id for i in project.indicators] == [first.id, rate.id]
    assert session.scalar(sa.select(sa.func.count(Indicator.id)).where(Indicator.id == second.id)) == 0
    values = session.scalars(sa.select(ActualValue.value_text).order_by(ActualValue.id)).all()
    assert values == ["90人", "96%"]


def test_row_changes_names_what_is_kept_changed_dropped_added_and_what_the_dropped_carry(session, project):
    _, second, rate = project.indicators
    evaluation = SelfEvaluation(project_id=project.id, status="draft")
    session.add(evaluation)
    session.flush()
    session.add_all(
        [
            actual(second, "180人", D(180), "人"),
            actual(second, "190人", D(190), "人", date(2024, 6, 30)),
            MonitoringEntry(indicator_id=second.id, round_on=date(2024, 7, 31), forecast_text="200人"),
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=rate.id, weight=D(30), band=None),
        ]
    )
    session.flush()
    after = load_table(table([row("培训人数", "120人"), row("新增", "1个")]), published=True)["indicators"]
    changes = row_changes(project, after)
    assert (changes.kept, changes.changed, changes.added) == ([], ["培训人数：100人 → 120人"], ["新增"])
    assert [(d.name, d.value, d.recorded) for d in changes.dropped] == [
        ("培训人数", "200人", ("实际完成值 2 条", "绩效运行监控填报（2024-07-31）")),
        ("合格率", "≥90%", ("绩效自评分值",)),
    ]
    assert [d.label for d in changes.recorded] == ["培训人数（产出指标·数量指标）", "合格率（产出指标·质量指标）"]
    assert changes.counts() == {"kept": 0, "changed": 1, "dropped": 2, "added": 1}
    assert stored(project)[0][3] == "100人"  # reading the changes wrote nothing


def test_an_evaluation_row_without_weight_band_or_reason_is_not_recorded_work(session, project):
    evaluation = SelfEvaluation(project_id=project.id, status="draft")
    session.add(evaluation)
    session.flush()
    first, second, rate = project.indicators
    session.add_all(
        [
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=first.id),
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=second.id, band="achieved", band_score=D(9)),
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=rate.id, reason="原因"),
        ]
    )
    session.flush()
    assert recorded_on([first.id, second.id, rate.id]) == {
        second.id: ["绩效自评评价档次"],
        rate.id: ["绩效自评偏差原因分析"],
    }
    assert recorded_on([]) == {}


def test_saving_a_draft_on_the_page_keeps_the_rows_it_did_not_remove(session, project):
    first, _, rate = project.indicators
    session.add(actual(rate, "96%", D(96), "%"))
    project.status = "draft"  # e.g. an approved table under 调整, back with its owner
    session.flush()
    update_project(project, table([BEFORE[0], row("合格率", "≥92%", "质量指标")]), "owner", project.lock_version)
    assert [i.id for i in project.indicators] == [first.id, rate.id]
    assert session.scalar(sa.select(ActualValue.value_text).where(ActualValue.indicator_id == rate.id)) == "96%"
