"""Budget years, departments and units (read), and who the caller is."""

from flask_login import current_user

from perf.api import queries
from perf.api.common import Blueprint, PageArgs, allow, page_of, paginate
from perf.api.schemas import DepartmentSchema, MeSchema, UnitArgs, UnitSchema, YearSchema
from perf.auth.permissions import ROLE_PERMISSIONS, Perm

blp = Blueprint("api_org", __name__, url_prefix="/api/v1", description="预算年度、部门、单位和当前用户")


class UnitPageArgs(PageArgs, UnitArgs):
    """Filter and page units."""


@blp.route("/years", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(YearSchema))
def list_years(args):
    """列出预算年度

    每个预算年度及其指标体系（2020 或 2021）和资金支出计划的时间节点（如 3月底、6月底、10月底、12月底），分页。
    ---
    List budget years with their checkpoints (资金支出计划节点)
    """
    return paginate(queries.years(), args)


@blp.route("/departments", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(DepartmentSchema))
def list_departments(args):
    """列出部门

    每个部门（部门编码、名称）及其下属单位，分页。
    ---
    List departments with their units
    """
    return paginate(queries.departments(), args)


@blp.route("/units", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(UnitPageArgs, location="query")
@blp.response(200, page_of(UnitSchema))
def list_units(args):
    """列出单位

    预算单位（实施单位）及其单位性质、规格和经费保障形式；`department` 为部门编码时只列该部门的单位。
    ---
    List units, optionally of one department
    """
    return paginate(queries.units(args.get("department")), args)


@blp.route("/me", methods=["GET"])
@allow(Perm.ACCOUNT)
@blp.response(200, MeSchema)
def get_me():
    """当前用户

    令牌（或浏览器会话）代表的用户：用户名、显示名、角色、所属部门、负责的单位，以及可用的权限。
    ---
    Who the token (or session) acts as, and what it may do
    """
    user = current_user._get_current_object()
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": user.role_label,
        "department_id": user.department_id,
        "unit_ids": [unit.id for unit in user.units],
        "permissions": sorted(perm.value for perm in ROLE_PERMISSIONS.get(user.role, ())),
    }
