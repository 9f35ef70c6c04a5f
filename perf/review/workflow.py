"""The 绩效目标表 workflow as a declared table: 草稿 → 已提交 → 已批复, or back to 草稿 with the reviewer's comment.

An approved table is locked; changing it needs an adjustment (调整) with a reason, which reopens
it as a draft and is then reviewed like the original. Error findings of the automatic review
block submission. Submission and approval keep a version of the whole table. The engine
(``perf.workflow.engine``) takes the steps; pages, the API and ``perf step`` follow this table.
"""

from perf import tunables
from perf.errors import RuleError
from perf.projects.history import snapshot
from perf.projects.models import Project
from perf.review.rules import blocking, review, table_input
from perf.workflow.engine import State, Transition, Workflow, register


def _no_review_errors(project: Project, _project) -> None:
    """Error findings of the automatic target review block submission."""
    findings = review(table_input(project, tunables.get("extra_units")))
    if blocking(findings):
        errors = [f.message for f in findings if f.severity == "error"]
        raise RuleError(["目标审核发现错误，请修改后再提交：", *errors], "conflict")


def _adjust(project: Project, _user, comment: str) -> None:
    project.adjustment_reason = comment


def _approve(project: Project, _user, _comment: str) -> None:
    project.adjustment_reason = None


TARGET = register(
    Workflow(
        name="target",
        label="绩效目标表",
        states={
            "draft": State("草稿"),
            "submitted": State("已提交", frozenset({"table"})),
            "approved": State("已批复", frozenset({"table"})),
        },
        transitions=(
            Transition(
                "submit",
                "提交审核",
                ("draft",),
                "submitted",
                "owner",
                verb="提交",
                cannot="不能提交",
                done="已提交审核",
                summary=lambda p, comment, checked: f"提交项目 {p.code} 审核",
                keeps="submitted",
                check=_no_review_errors,
                doc="Submit a draft for review (owner); review errors block it (409)",
            ),
            Transition(
                "withdraw",
                "撤回提交",
                ("submitted",),
                "draft",
                "owner",
                verb="撤回",
                cannot="不能撤回（只有已提交、尚未审核的可以撤回）",
                done="已撤回，项目回到草稿状态",
                summary=lambda p, comment, checked: f"撤回项目 {p.code} 的提交",
                doc="Withdraw a submitted table the reviewer has not acted on yet (owner)",
            ),
            Transition(
                "return",
                "退回修改",
                ("submitted",),
                "draft",
                "reviewer",
                verb="退回",
                cannot="不能退回",
                done="已退回项目负责人修改",
                summary=lambda p, comment, checked: f"退回项目 {p.code}",
                comment_required="退回时必须填写审核意见",
                doc="Return a submitted table to its owner with a comment (reviewer)",
            ),
            Transition(
                "approve",
                "批复",
                ("submitted",),
                "approved",
                "reviewer",
                verb="批复",
                cannot="不能批复",
                done="已批复，项目已锁定",
                summary=lambda p, comment, checked: f"批复项目 {p.code}",
                keeps="approved",
                effect=_approve,
                doc="Approve a submitted table (reviewer); it is locked from then on",
            ),
            Transition(
                "adjust",
                "申请调整",
                ("approved",),
                "draft",
                "owner",
                verb="申请调整",
                cannot="无需申请调整",
                done="已申请调整，项目重新进入草稿状态",
                summary=lambda p, comment, checked: f"申请调整项目 {p.code}",
                comment_required="申请调整必须填写调整原因",
                effect=_adjust,
                doc="Ask to change an approved table (调整, owner): it reopens as a draft; the comment is the reason",
            ),
        ),
        model=Project,
        project_column=Project.id,
        subject_of=lambda project: project,
        project_of=lambda project: project,
        state_label=lambda project: project.status_label,
        snapshot=lambda project, checked, comment: snapshot(project),
        refused="项目当前为“{state}”，{cannot}",
        audit_prefix="project",
        version_reason=lambda project: project.adjustment_reason,
    )
)
