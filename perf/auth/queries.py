"""Users: the reads the account pages, the forms and the commands share (services own the writes)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from perf.auth.models import ROLE_LABELS, User, user_unit
from perf.db import MAX_ID, page_of
from perf.errors import RuleError
from perf.extensions import db
from perf.org.models import Department, Unit
from perf.paging import ListArgs, Page, parse_choice, parse_int


def find_user(username: str) -> User | None:
    """The user with exactly this user name, or None."""
    return db.session.scalar(select(User).where(User.username == username))


def user_by_id(user_id: int) -> User | None:
    """One user."""
    return db.session.get(User, user_id)


def username_taken(username: str) -> bool:
    """True when the name is in use, ignoring case so 'Admin' cannot shadow 'admin'."""
    query = select(User.id).where(func.lower(User.username) == username.lower())
    return db.session.scalar(query) is not None


@dataclass(frozen=True)
class UserFilters:
    """What 用户管理 is narrowed to: a search in user names and display names, a role, a unit."""

    args: ListArgs = field(default_factory=ListArgs)
    role: str | None = None
    unit_id: int | None = None

    @classmethod
    def parse(cls, query_args) -> "UserFilters":
        unit_id = parse_int(query_args.get("unit"), 0, 1, MAX_ID) or None
        return cls(ListArgs.parse(query_args), parse_choice(query_args.get("role"), ROLE_LABELS), unit_id)


def list_users(filters: UserFilters | None = None) -> Page:
    """One page of the users with units and department loaded, by user name."""
    filters = filters or UserFilters()
    query = select(User).options(selectinload(User.units), joinedload(User.department)).order_by(User.username)
    text = filters.args.text
    if text:
        query = query.where(
            or_(User.username.icontains(text, autoescape=True), User.display_name.icontains(text, autoescape=True))
        )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.unit_id is not None:
        # owners of the unit, and the reviewers and leaders of its department
        unit = select(Unit.department_id).where(Unit.id == filters.unit_id).scalar_subquery()
        holds = select(user_unit.c.user_id).where(user_unit.c.unit_id == filters.unit_id)
        query = query.where(or_(User.id.in_(holds), User.department_id == unit))
    return page_of(db.session, query, filters.args.window)


def unit_filter_choices() -> list[tuple[int, str]]:
    """Every unit as (id, name), for the user list's unit filter."""
    return [tuple(row) for row in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.id))]


def unit_choices() -> dict[str, list[tuple[int, str]]]:
    """All units grouped under '部门编码 部门名称', for the user form's checkboxes."""
    query = select(Department).options(selectinload(Department.units)).order_by(Department.code)
    return {f"{d.code} {d.name}": [(u.id, u.name) for u in d.units] for d in db.session.scalars(query) if d.units}


def department_choices() -> list[tuple[int, str]]:
    """All departments as (id, '编码 名称')."""
    query = select(Department).order_by(Department.code)
    return [(d.id, f"{d.code} {d.name}") for d in db.session.scalars(query)]


def department_id_by_code(code: str) -> int:
    """The id of the department with ``code``; RuleError when there is none."""
    department_id = db.session.scalar(select(Department.id).where(Department.code == code))
    if department_id is None:
        raise RuleError({"department_id": [f"部门编码 {code} 不存在"]})
    return department_id


def unit_ids_by_name(names: Sequence[str], department_id: int | None = None) -> list[int]:
    """Ids of the units called ``names`` (within the department when given)."""
    problems, ids = [], []
    for name in names:
        query = select(Unit.id).where(Unit.name == name)
        if department_id is not None:
            query = query.where(Unit.department_id == department_id)
        found = list(db.session.scalars(query))
        if not found:
            problems.append(f"单位「{name}」不存在")
        elif len(found) > 1:
            problems.append(f"单位「{name}」在多个部门中存在，请用 --department 指定部门")
        else:
            ids.append(found[0])
    if problems:
        raise RuleError({"unit_ids": problems})
    return ids
