"""A 绩效目标表 from an API body: the form's own checks (taxonomy, plan length), then the service's data."""

from perf.api.common import api_abort
from perf.projects.services import IndicatorData, ProjectData, indicator_value_problem
from perf.projects.taxonomy import taxonomy
from perf.review.rules import review, table_input


class ProjectView:
    """A project and its review findings, for ProjectDetailSchema (everything else is the project's)."""

    def __init__(self, project):
        self.project = project
        self.findings = review(table_input(project))

    def __getattr__(self, name):
        return getattr(self.project, name)


def table_problems(body: dict, year) -> None:
    """422 with every problem the form would show: 二级 not under its 一级, wrong plan length, unreadable targets."""
    problems: dict[str, list[str]] = {}
    tree = taxonomy(year.scheme)
    for index, row in enumerate(body["indicators"]):
        where = f"indicators.{index}"
        if row["level1"] not in tree:
            problems[f"{where}.level1"] = [f"一级指标应为：{'、'.join(tree)}"]
        elif row["level2"] not in tree[row["level1"]]:
            problems[f"{where}.level2"] = [f"“{row['level2'] or '（空）'}”不属于{row['level1']}"]
        else:
            message = _value_problem(row)
            if message:
                problems[f"{where}.value"] = [message]
    expected = len(year.checkpoints)
    if len(body["spend_plan"]) != expected:
        labels = "、".join(cp.label for cp in year.checkpoints)
        problems["spend_plan"] = [f"资金支出计划应有 {expected} 个节点（{labels}），实为 {len(body['spend_plan'])} 个"]
    if problems:
        api_abort(422, "提交的数据有误", problems)


def _value_problem(row: dict) -> str | None:
    """A 指标值 whose parsed number or unit the database cannot hold."""
    return indicator_value_problem(row["value"], row["level1"], row["level2"])


def project_data(body: dict) -> ProjectData:
    """The service's form of a validated body."""
    return ProjectData(
        code=body["code"],
        name=body["name"],
        total=body["total"],
        fiscal=body["fiscal"],
        other=body["other"],
        purpose=body["purpose"],
        goal=body["goal"],
        plan=list(body["spend_plan"]),
        indicators=[
            IndicatorData(
                level1=row["level1"],
                level2=row["level2"],
                name=row["name"],
                value=row["value"],
                description=row["description"],
                basis=row["basis"],
            )
            for row in body["indicators"]
        ],
    )
