"""A re-import never loses recorded work: ``--replace`` keeps matched indicators (and their actual values,
mid-year entries, self-evaluation rows), and drops one that carries recorded data only with ``--drop-recorded``."""

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from perf.actuals.models import ActualValue
from perf.audit.models import AuditEntry
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.midyear.models import MonitoringEntry
from perf.projects.models import Indicator, Project
from tests.documents import flat_files as f
from tests.documents.test_import import CODES, SAMPLE_TEXT, snapshot

NETWORK = CODES[0]  # “互联网+政务服务”行政审批网络维护费
#: The 网上审批率 row of NETWORK (a row under 效益指标 that does not open it): the file without it still reads.
ONLINE_ROW = (
    "\t\n\t生态效益指标\n\t网上审批率\n\t网上审批事项件数占总审批事项件数的比率\n\t≥98%\n\t网上审批事项工作台账\n\n"
)
CHANGED = SAMPLE_TEXT.replace("\t≥40%\n", "\t≥45%\n", 1)  # NETWORK's 提供材料比例
REMOVED = SAMPLE_TEXT.replace(ONLINE_ROW, "", 1)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def import_every_actual(runner, session, tmp_path) -> None:
    """An actual value for each of the sample's 56 indicators (the target's number, or its text), imported."""
    lines = ["项目编码,一级指标,三级指标,实际完成值"]
    query = sa.select(Project.code, Indicator.level1, Indicator.name, Indicator.value_text).join(Project)
    for code, level1, name, value in session.execute(query.order_by(Project.id, Indicator.position)):
        lines.append(f"{code},{level1},{name},{re.sub('^[≥≤<>=]', '', value)}")
    path = tmp_path / "actuals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["perf", "import-actuals", str(path)])
    assert result.exit_code == 0, result.output
    assert "实际完成值：新增 56 条" in result.output


def actuals(session) -> dict[tuple[str, str, str], tuple[int, str]]:
    """(project, 一级, 三级) -> (indicator id, actual as typed), for every actual value."""
    query = (
        sa.select(Project.code, Indicator.level1, Indicator.name, Indicator.id, ActualValue.value_text)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .join(Project, Project.id == Indicator.project_id)
    )
    return {(code, level1, name): (ident, text) for code, level1, name, ident, text in session.execute(query)}


def indicator(session, name: str, code: str = NETWORK) -> Indicator:
    return session.scalar(sa.select(Indicator).join(Project).where(Project.code == code, Indicator.name == name))


def replace_entries(session) -> list[AuditEntry]:
    return session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "project.replace")).all()


def test_a_replace_that_changes_one_indicator_keeps_every_actual_value(runner, demo, session, tmp_path):
    import_every_actual(runner, session, tmp_path)
    before = actuals(session)
    result = runner.invoke(args=["perf", "import-disclosure", write(tmp_path, "changed.txt", CHANGED), "--replace"])
    assert result.exit_code == 0, result.output
    assert "项目：7 个（新增 0，覆盖 1，未变 6）" in result.output
    assert "覆盖项目的指标：保留 7 项，变更 1 项，删除 0 项，新增 0 项" in result.output
    session.expire_all()
    assert actuals(session) == before  # all 56, each on the same indicator row
    changed = indicator(session, "提供材料比例")
    assert (changed.value_text, changed.target) == ("≥45%", Decimal(45))
    assert before[(NETWORK, "产出指标", "提供材料比例")] == (changed.id, "40%")  # the actual stays, now short of 45%
    (entry,) = replace_entries(session)
    assert entry.summary == f"以文件覆盖项目 {NETWORK}：指标保留 7 项、变更 1 项、删除 0 项、新增 0 项"
    assert entry.changes["指标：变更"] == [None, "提供材料比例：≥40% → ≥45%"]
    assert entry.changes["指标：删除"] == [None, ""]
    department = session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "disclosure.import").order_by(AuditEntry.id.desc())
    )
    assert department.summary.endswith("；覆盖项目的指标保留 7 项、变更 1 项、删除 0 项、新增 0 项")


def test_removing_an_indicator_with_an_actual_is_refused_unless_confirmed(runner, demo, session, tmp_path):
    import_every_actual(runner, session, tmp_path)
    before, rows = actuals(session), snapshot()
    path = write(tmp_path, "removed.txt", REMOVED)
    refused = runner.invoke(args=["perf", "import-disclosure", path, "--replace"])
    assert refused.exit_code == 1
    assert "文件中没有指标“网上审批率（效益指标·生态效益指标）”，该指标已有实际完成值 1 条" in refused.stderr
    assert "绩效目标表1《“互联网+政务服务”行政审批网络维护费》" in refused.stderr
    assert "共 1 个问题，未导入任何内容。" in refused.stderr and "--drop-recorded" in refused.stderr
    session.expire_all()
    assert snapshot() == rows  # nothing written

    accepted = runner.invoke(args=["perf", "import-disclosure", path, "--replace", "--drop-recorded"])
    assert accepted.exit_code == 0, accepted.output
    assert "覆盖项目的指标：保留 7 项，变更 0 项，删除 1 项，新增 0 项" in accepted.output
    project = "“互联网+政务服务”行政审批网络维护费"
    assert (
        f"删除的指标：{NETWORK} {project}：网上审批率（效益指标·生态效益指标），已有实际完成值 1 条" in accepted.output
    )
    session.expire_all()
    gone = before.pop((NETWORK, "效益指标", "网上审批率"))
    assert actuals(session) == before  # the other 55, on their own rows
    assert session.get(Indicator, gone[0]) is None
    assert [i.name for i in session.scalar(sa.select(Project).where(Project.code == NETWORK)).indicators][4:] == [
        "平台使用率",
        "长期使用性",
        "服务对象满意度",
    ]
    (entry,) = replace_entries(session)
    assert "删除 1 项（网上审批率（效益指标·生态效益指标），已有实际完成值 1 条）" in entry.summary
    assert entry.changes["指标：删除"] == [None, "网上审批率（效益指标·生态效益指标），已有实际完成值 1 条"]


def test_an_indicator_without_recorded_data_is_dropped_without_asking_and_named(runner, demo, tmp_path):
    result = runner.invoke(args=["perf", "import-disclosure", write(tmp_path, "removed.txt", REMOVED), "--replace"])
    assert result.exit_code == 0, result.output
    assert "删除 1 项" in result.output
    assert (
        f"删除的指标：{NETWORK} “互联网+政务服务”行政审批网络维护费：网上审批率（效益指标·生态效益指标）\n"
        in result.output
    )


def test_mid_year_entries_and_self_evaluation_rows_stay_on_matched_rows_and_stop_a_drop(
    runner, demo, session, tmp_path
):
    online, rate = indicator(session, "网上审批率"), indicator(session, "提供材料比例")
    evaluation = SelfEvaluation(project_id=rate.project_id, status="draft")
    session.add(evaluation)
    session.flush()
    session.add_all(
        [
            MonitoringEntry(
                indicator_id=rate.id, round_on=date(2024, 7, 31), forecast_text="42%", likelihood="certain"
            ),
            MonitoringEntry(indicator_id=online.id, round_on=date(2024, 7, 31), forecast_text="98%"),
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=rate.id, weight=Decimal(15)),
            EvaluationRow(evaluation_id=evaluation.id, indicator_id=online.id, band="achieved", band_score=Decimal(5)),
        ]
    )
    session.commit()
    changed = runner.invoke(args=["perf", "import-disclosure", write(tmp_path, "changed.txt", CHANGED), "--replace"])
    assert changed.exit_code == 0, changed.output
    session.expire_all()
    entry = session.scalar(sa.select(MonitoringEntry).where(MonitoringEntry.indicator_id == rate.id))
    assert (entry.forecast_text, entry.likelihood) == ("42%", "certain")
    weight = session.scalar(sa.select(EvaluationRow.weight).where(EvaluationRow.indicator_id == rate.id))
    assert weight == Decimal(15)

    refused = runner.invoke(args=["perf", "import-disclosure", write(tmp_path, "removed.txt", REMOVED), "--replace"])
    assert refused.exit_code == 1
    assert "该指标已有绩效自评评价档次、绩效运行监控填报（2024-07-31）" in refused.stderr


def test_import_targets_replace_keeps_actuals_and_asks_before_dropping(runner, session, tmp_path):
    path = tmp_path / "绩效目标.xlsx"
    path.write_bytes(f.xlsx())
    assert runner.invoke(args=["perf", "import-targets", str(path)]).exit_code == 0
    road = "51112323R000000012345"
    lines = f"项目编码,三级指标,实际完成值\n{road},道路完好率,96%\n{road},完成时限,已完成\n{road},养护道路里程,36公里\n"
    (tmp_path / "actuals.csv").write_text(lines, encoding="utf-8")
    assert runner.invoke(args=["perf", "import-actuals", str(tmp_path / "actuals.csv")]).exit_code == 0
    rows = f.flat_rows()
    rows[1][9] = "40"  # 养护道路里程 ≥35 → ≥40 公里
    del rows[5]  # 完成时限, which has an actual value
    path.write_bytes(f.xlsx(rows))
    refused = runner.invoke(args=["perf", "import-targets", str(path), "--replace"])
    assert refused.exit_code == 1
    assert "文件中没有指标“完成时限（产出指标·时效指标）”，该指标已有实际完成值 1 条、绩效自评分值" in refused.stderr
    assert "--drop-recorded" in refused.stderr
    accepted = runner.invoke(args=["perf", "import-targets", str(path), "--replace", "--drop-recorded"])
    assert accepted.exit_code == 0, accepted.output
    assert "覆盖项目的指标：保留 3 项，变更 1 项，删除 1 项，新增 0 项" in accepted.output
    session.expire_all()
    kept = dict(
        session.execute(
            sa.select(Indicator.name, ActualValue.value_text).join(
                ActualValue, ActualValue.indicator_id == Indicator.id
            )
        ).all()
    )
    assert kept == {"道路完好率": "96%", "养护道路里程": "36公里"}
    target = session.scalar(sa.select(Indicator.target).where(Indicator.name == "养护道路里程"))
    assert target == Decimal(40)
