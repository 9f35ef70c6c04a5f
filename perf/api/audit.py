"""The audit log (修改记录), for reviewers (their department's projects) and admins (everything)."""

from datetime import datetime, time, timedelta, timezone

from flask_login import current_user
from marshmallow import fields

from perf.api import queries
from perf.api.common import Blueprint, PageArgs, allow, page_of, paginate
from perf.auth.permissions import Perm
from perf.fields import Day, Id, Int, Moment, PerfSchema, Text

blp = Blueprint("api_audit", __name__, url_prefix="/api/v1/audit", description="修改记录")

#: Dates in filters are Beijing dates.
CST = timezone(timedelta(hours=8))


class AuditArgs(PageArgs):
    """Filter the audit log."""

    project_id = Id(metadata={"description": "只看某个项目的记录"})
    object_type = Text(max_length=50, metadata={"description": "如 project、user"})
    action = Text(max_length=50, metadata={"description": "如 project.update、payment.add"})
    actor = Text(max_length=100, metadata={"description": "用户名"})
    since = Day(metadata={"description": "不早于此日（北京时间）"})
    until = Day(metadata={"description": "不晚于此日（北京时间）"})


class AuditEntrySchema(PerfSchema):
    """One recorded write, with the values before and after."""

    id = Int(dump_only=True, metadata={"description": "记录编号"})
    at = Moment(dump_only=True, metadata={"description": "操作时间"})
    actor = Text(dump_only=True, metadata={"description": "操作人（用户名）"})
    action = Text(dump_only=True, metadata={"description": "操作，如 project.update、payment.add"})
    object_type = Text(dump_only=True, metadata={"description": "对象类型，如 project、payment"})
    object_id = Text(dump_only=True, metadata={"description": "对象编号"})
    summary = Text(dump_only=True, metadata={"description": "操作说明（中文）"})
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        dump_only=True,
        metadata={"description": "字段 -> [修改前, 修改后]"},
    )


@blp.route("", methods=["GET"])
@allow(Perm.AUDIT_VIEW)
@blp.arguments(AuditArgs, location="query")
@blp.response(200, page_of(AuditEntrySchema))
def list_audit_entries(args):
    """列出修改记录

    修改记录（审计日志），新的在前：谁在何时做了什么操作，修改前后的值；
    可按项目、对象类型、操作、用户名和日期范围筛选。
    ---
    List audit entries, newest first
    """
    if args.get("since"):
        args["since"] = datetime.combine(args["since"], time.min, CST)
    if args.get("until"):
        args["until"] = datetime.combine(args["until"], time.min, CST) + timedelta(days=1)
    return paginate(queries.audit(current_user, args), args)
