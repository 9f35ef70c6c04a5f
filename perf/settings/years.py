"""The checkpoints of the budget years not yet under way: the one part of 系统设置 kept on the years themselves.

A year is under way once its first checkpoint has come (today in PERF_TIMEZONE on or after it); until
then the admin may move its checkpoints, and add or remove some while no project has entered a
资金支出计划 against them (a plan holds one percent per checkpoint). ``load`` checks a partial object
``{"2027": ["03-31", "06-30", …]}``, ``save`` writes what changed, audited with before and after.
"""

from datetime import date

from marshmallow import ValidationError
from sqlalchemy import func, select

from perf.audit.services import record
from perf.errors import RuleError
from perf.extensions import db
from perf.org.models import BudgetYear, Checkpoint
from perf.org.services import checkpoint_label
from perf.projects.models import PlanEntry
from perf.settings.schemas import Checkpoints

#: The setting's name in the API's object and in a settings file.
NAME = "year_checkpoints"
LABEL = "尚未开始的预算年度的时间节点"


def open_years(today: date) -> list[BudgetYear]:
    """The budget years whose first checkpoint is still to come, earliest first."""
    years = db.session.scalars(select(BudgetYear).order_by(BudgetYear.year))
    return [year for year in years if year.checkpoints and year.checkpoints[0].on_date > today]


def current(today: date) -> dict[str, list[str]]:
    """{"2027": ["03-31", …]} for every year not yet under way."""
    return {str(year.year): [f"{cp.on_date:%m-%d}" for cp in year.checkpoints] for year in open_years(today)}


def load(value: object, today: date) -> dict[BudgetYear, list[date]]:
    """The years and their new checkpoint dates; RuleError keyed ``year_checkpoints.<year>`` for each year at fault."""
    if not isinstance(value, dict):
        raise RuleError({NAME: ['应为“年度 → 时间节点列表”的对象，如 {"2027": ["03-31", "06-30", "10-31", "12-31"]}']})
    years = {str(year.year): year for year in open_years(today)}
    loaded, problems = {}, {}
    for key, days in value.items():
        path = f"{NAME}.{key}"
        year = years.get(str(key))
        if year is None:
            problems[path] = [_not_open(str(key))]
            continue
        try:
            month_days = Checkpoints().deserialize(days)
        except ValidationError as error:
            problems[path] = error.messages if isinstance(error.messages, list) else [str(error.messages)]
            continue
        dates = [date(year.year, int(md[:2]), int(md[3:])) for md in month_days]
        if dates[0] <= today:
            problems[path] = [f"第一个时间节点须晚于今天（{today.isoformat()}）"]
            continue
        planned = _planned_projects(year)
        if planned and len(dates) != len(year.checkpoints):
            problems[path] = [
                f"已有 {planned} 个项目按现有的 {len(year.checkpoints)} 个时间节点填写了资金支出计划，"
                "只能修改日期，不能增减时间节点"
            ]
            continue
        loaded[year] = dates
    if problems:
        raise RuleError(problems)
    return loaded


def _not_open(key: str) -> str:
    known = key.isdigit() and len(key) == 4  # a longer number is no year (and overflows the column)
    if not known or db.session.scalar(select(BudgetYear.id).where(BudgetYear.year == int(key))) is None:
        return f"没有 {key} 预算年度"
    return f"{key} 年度已过第一个时间节点（已开始执行），时间节点不能再修改"


def _planned_projects(year: BudgetYear) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(PlanEntry.project_id))).where(PlanEntry.year_id == year.id)
    )


def save(actor: str, loaded: dict[BudgetYear, list[date]]) -> dict:
    """Write the years' checkpoints that changed, each audited; {label: [before, after]} of the changes."""
    changes = {}
    for year, dates in loaded.items():
        before = [cp.on_date for cp in year.checkpoints]
        if before == dates:
            continue
        _write(year, dates)
        label = f"{year.year} 年度时间节点"
        changes[label] = ["、".join(map(checkpoint_label, before)), "、".join(map(checkpoint_label, dates))]
        record(actor, "year.checkpoints", "budget_year", year.id, f"修改{label}", {label: changes[label]})
    return changes


def _write(year: BudgetYear, dates: list[date]) -> None:
    if len(dates) == len(year.checkpoints):  # plans may point at them: move the dates in place
        for seq, checkpoint in enumerate(year.checkpoints, start=1):
            checkpoint.on_date = date(1970, 1, seq)  # apart first: a date may move onto another's old one
        db.session.flush()
        for checkpoint, day in zip(year.checkpoints, dates, strict=True):
            checkpoint.on_date, checkpoint.label = day, checkpoint_label(day)
    else:  # no plan refers to them (load checked): a new set
        year.checkpoints.clear()
        db.session.flush()
        year.checkpoints = [
            Checkpoint(seq=i, on_date=day, label=checkpoint_label(day), is_final=i == len(dates))
            for i, day in enumerate(dates, start=1)
        ]
    db.session.flush()
