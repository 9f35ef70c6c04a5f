"""``perf step``: the same transition table from the command line."""

import sqlalchemy as sa

from perf.projects.models import Project
from perf.workflow.models import StepEvent

CODE = "13020724P00X4BL10005W"  # approved by the import


def test_an_owner_asks_for_an_adjustment_and_the_reviewer_approves(runner, demo, session):
    refused = runner.invoke(args=["perf", "step", "target", CODE, "adjust", "--as", "owner"])
    assert refused.exit_code == 1 and "意见：申请调整必须填写调整原因" in (refused.stderr or refused.output)
    asked = runner.invoke(args=["perf", "step", "target", CODE, "adjust", "--as", "owner", "--comment", "预算调整"])
    assert asked.exit_code == 0, asked.output
    assert "已申请调整，项目重新进入草稿状态（调整中）" in asked.output
    submitted = runner.invoke(args=["perf", "step", "target", CODE, "submit", "--as", "owner"])
    assert submitted.exit_code == 0, submitted.output
    approved = runner.invoke(args=["perf", "step", "target", CODE, "approve", "--as", "reviewer"])
    assert approved.exit_code == 0, approved.output
    project = session.scalar(sa.select(Project).where(Project.code == CODE))
    assert (project.status, project.adjustment_reason) == ("approved", None)
    steps = session.scalars(sa.select(StepEvent.step).where(StepEvent.project_id == project.id)).all()
    assert steps == ["adjust", "submit", "approve"]


def test_the_wrong_person_unknown_steps_and_workflows_are_refused_in_chinese(runner, demo):
    wrong = runner.invoke(args=["perf", "step", "target", CODE, "adjust", "--as", "reviewer", "--comment", "x"])
    assert wrong.exit_code == 1 and "只有本单位的项目负责人可以申请调整" in (wrong.stderr or wrong.output)
    unknown = runner.invoke(args=["perf", "step", "target", CODE, "publish", "--as", "owner"])
    assert unknown.exit_code == 1 and "绩效目标表没有步骤 publish" in (unknown.stderr or unknown.output)
    workflow = runner.invoke(args=["perf", "step", "budget", CODE, "submit", "--as", "owner"])
    assert workflow.exit_code == 1 and "没有流程 budget" in (workflow.stderr or workflow.output)
