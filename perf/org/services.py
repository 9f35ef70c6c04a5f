"""Years with their checkpoint sets, departments and units."""

import calendar
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from perf import tunables
from perf.errors import RuleError
from perf.extensions import db
from perf.org.models import BudgetYear, Checkpoint, Department, Unit


def checkpoint_label(day: date) -> str:
    """'3月底' for a month end, else '3月15日'."""
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.month}月底"
    return f"{day.month}月{day.day}日"


def default_checkpoints(year: int) -> list[date]:
    """The default checkpoint dates for ``year`` (系统设置, else DEFAULT_CHECKPOINTS): "MM-DD" or (month, day)."""
    days = [item.split("-") if isinstance(item, str) else item for item in tunables.get("default_checkpoints")]
    return [date(year, int(m), int(d)) for m, d in days]


def find_year(year: int) -> BudgetYear | None:
    """The budget year, or None."""
    return db.session.scalar(select(BudgetYear).where(BudgetYear.year == year))


def ensure_year(year: int, dates: Sequence[date] | None = None) -> BudgetYear:
    """Return the year, creating it with ``dates`` (or the defaults) as its checkpoints.

    An existing year keeps its checkpoints; ``dates`` that differ raise a RuleError (path ``checkpoints``).
    """
    existing = find_year(year)
    wanted = list(dates) if dates else None
    if existing is not None:
        have = [cp.on_date for cp in existing.checkpoints]
        if wanted is not None and wanted != have:
            message = (
                f"{year} 年度已设定的支出计划节点为 {'、'.join(map(checkpoint_label, have))}，"
                f"与文件中的 {'、'.join(map(checkpoint_label, wanted))} 不一致"
            )
            raise RuleError({"checkpoints": [message]})
        return existing
    wanted = wanted or default_checkpoints(year)
    budget_year = BudgetYear(year=year)
    budget_year.checkpoints = [
        Checkpoint(seq=i, on_date=d, label=checkpoint_label(d), is_final=i == len(wanted))
        for i, d in enumerate(wanted, start=1)
    ]
    db.session.add(budget_year)
    db.session.flush()
    return budget_year


def ensure_department(code: str, name: str) -> Department:
    """Return the department with ``code``, creating it; the name is kept up to date."""
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        department = Department(code=code, name=name)
        db.session.add(department)
    elif department.name != name:
        department.name = name
    db.session.flush()
    return department


def ensure_unit(department: Department, name: str, nature: str, rank: str, funding: str, code: str = "") -> Unit:
    """Return the unit by name within the department, creating or updating it.

    What the file gives wins; what it leaves blank keeps what is stored (a flat table names a unit
    but says nothing of its 性质, 规格 or 经费保障形式).
    """
    unit = db.session.scalar(select(Unit).where(Unit.department_id == department.id, Unit.name == name))
    if unit is None:
        unit = Unit(department=department, name=name)
        db.session.add(unit)
    for attribute, value in (("nature", nature), ("rank", rank), ("funding", funding), ("code", code)):
        if value:
            setattr(unit, attribute, value)
    db.session.flush()
    return unit


def main_unit(department: Department) -> Unit | None:
    """The department's own unit (本级), or its first unit."""
    for unit in department.units:
        if unit.name.endswith("本级"):
            return unit
    return department.units[0] if department.units else None
