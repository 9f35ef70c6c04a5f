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
    """List budget years with their checkpoints (资金支出计划节点)"""
    return paginate(queries.years(), args)


@blp.route("/departments", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(DepartmentSchema))
def list_departments(args):
    """List departments with their units"""
    return paginate(queries.departments(), args)


@blp.route("/units", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(UnitPageArgs, location="query")
@blp.response(200, page_of(UnitSchema))
def list_units(args):
    """List units, optionally of one department"""
    return paginate(queries.units(args.get("department")), args)


@blp.route("/me", methods=["GET"])
@allow(Perm.ACCOUNT)
@blp.response(200, MeSchema)
def get_me():
    """Who the token (or session) acts as, and what it may do"""
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
