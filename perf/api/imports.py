"""Uploads (导入): send a file, read its check (summary and problems), apply it.

``POST /api/v1/imports`` (multipart ``kind``, ``file``) answers 202 with ``{"id", "status"}``;
``GET /api/v1/imports/{id}`` gives the check (with ``dropping``: the indicators a replace would drop);
``POST /api/v1/imports/{id}/apply`` writes a checked file without problems (409 otherwise; one that drops
indicators with recorded data needs ``?drop_recorded=true``). The rules are perf.imports.services, as
on the 导入数据 page.
"""

from copy import deepcopy

from flask import request
from flask_login import current_user

from perf.api.common import Blueprint, allow
from perf.auth.permissions import Perm, loads
from perf.fields import Flag, Int, Items, Obj, PerfSchema, Text
from perf.imports import services
from perf.imports.models import KINDS, STATUSES

blp = Blueprint("api_imports", __name__, url_prefix="/api/v1/imports", description="导入数据：上传文件、检查、确认导入")
RECORD_ID = {"in": "path", "name": "record_id", "required": True, "schema": {"type": "integer", "minimum": 1}}


class ImportStartedSchema(PerfSchema):
    """上传后的导入记录"""

    id = Int(required=True, metadata={"description": "导入记录编号"})
    status = Text(
        required=True, metadata={"description": "状态：" + "，".join(f"{k} {v}" for k, v in STATUSES.items())}
    )


class SummarySchema(PerfSchema):
    """检查结果的条数"""

    new = Int(required=True, metadata={"description": "新增条数（部门预算公开文件：项目个数）"})
    changed = Int(required=True, metadata={"description": "变更条数"})
    unchanged = Int(required=True, metadata={"description": "未变条数"})


class ProblemSchema(PerfSchema):
    """文件中的一处问题"""

    where = Text(required=True, metadata={"description": "表和行（如“第3行”）"})
    message = Text(required=True, metadata={"description": "问题说明"})


class RowCountsSchema(PerfSchema):
    """被覆盖项目的指标：按一级、二级、三级指标匹配后保留、变更、删除、新增的项数"""

    kept = Int(required=True, metadata={"description": "保留（内容未变）的指标数"})
    changed = Int(required=True, metadata={"description": "变更（如指标值不同）的指标数；其已填报的数据保留"})
    dropped = Int(required=True, metadata={"description": "文件中已没有、将删除的指标数"})
    added = Int(required=True, metadata={"description": "新增的指标数"})


class DroppingSchema(PerfSchema):
    """导入将删除的一项指标（覆盖后的绩效目标表中已没有）"""

    code = Text(required=True, metadata={"description": "项目编码"})
    project = Text(required=True, metadata={"description": "项目名称"})
    level1 = Text(required=True, metadata={"description": "一级指标"})
    level2 = Text(required=True, metadata={"description": "二级指标"})
    name = Text(required=True, metadata={"description": "三级指标"})
    value = Text(required=True, metadata={"description": "指标值"})
    recorded = Items(
        Text(),
        required=True,
        metadata={"description": "该指标已填报的数据（实际完成值、监控、自评）；非空时须 drop_recorded=true 才能导入"},
    )


class ImportSchema(ImportStartedSchema):
    """一次导入：类型、状态、进度、条数、将删除的指标和问题"""

    kind = Text(required=True, metadata={"description": "数据类型：" + "，".join(f"{k} {v}" for k, v in KINDS.items())})
    progress = Int(required=True, metadata={"description": "进度（0–100）"})
    summary = Obj(SummarySchema, required=True)
    indicators = Obj(
        RowCountsSchema,
        allow_none=True,
        metadata={"description": "覆盖项目时指标的保留、变更、删除、新增项数（没有覆盖项目时为空）"},
    )
    dropping = Items(Obj(DroppingSchema), required=True)
    problems = Items(Obj(ProblemSchema), required=True)


class ApplyArgs(PerfSchema):
    """确认导入的参数"""

    drop_recorded = Flag(
        load_default=False,
        metadata={"description": "true：确认删除文件中已没有、但已填报数据的指标（连同这些数据）"},
    )


def _multipart(view):
    """Document the multipart body (``kind``, ``file``); the view reads it from the request."""
    view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    manual = view._apidoc.setdefault("manual_doc", {})
    schema = {
        "type": "object",
        "required": ["kind", "file"],
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS), "description": "数据类型"},
            "file": {"type": "string", "format": "binary", "description": "CSV、XLSX 或部门预算公开文件"},
        },
    }
    manual["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    manual.setdefault("responses", {})["422"] = {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}
    return view


def _shown(record) -> dict:
    summary = {key: record.summary.get(key, 0) for key in ("new", "changed", "unchanged")}
    return {
        "id": record.id,
        "kind": record.kind,
        "status": record.status,
        "progress": record.progress,
        "summary": summary,
        "indicators": record.row_counts,
        "dropping": record.dropping,
        "problems": record.problems,
    }


@blp.route("", methods=["POST"])
@allow(Perm.DATA_IMPORT)
@_multipart
@blp.response(202, ImportStartedSchema)
def start_import():
    """上传文件并检查

    以 multipart/form-data 上传 `kind`（disclosure 部门预算公开文件、targets 平面格式绩效目标表、payments 支付记录、
    actuals 实际完成值）和 `file`。只检查、不写入：返回 202 和导入记录编号，
    检查结果（条数与问题）用 GET 查看，确认无误后调用 apply 导入。项目负责人只能导入本单位项目的数据，
    财务审核只能导入本部门项目的数据（其他行逐行列为问题）；部门预算公开文件只能由财务审核（本部门）或管理员导入。
    较大的文件在后台检查：返回的状态为 checking，检查完成后 GET 返回 checked（或 failed）。
    ---
    Check a file without writing it; a file over ``IMPORT_BACKGROUND_KB`` is checked by a background job
    (status ``checking`` until the worker is done), a smaller one before the answer (``checked``).
    """
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    record = services.check(request.form.get("kind", ""), getattr(upload, "filename", "") or "", data, current_user)
    return {"id": record.id, "status": record.status}


@blp.route("/<int:record_id>", methods=["GET"], parameters=[RECORD_ID])
@allow(Perm.DATA_IMPORT)
@blp.response(200, ImportSchema)
@loads("record_id", services.record_by_id, services.may_see, "导入记录")
def get_import(record):
    """查看导入记录

    导入记录的类型、状态（checking 检查中、checked 已检查、failed 检查失败、applied 已导入）、进度、
    将新增/变更/未变的条数和每一处问题（表和行、说明）。只有上传人和管理员可以查看。
    ---
    The record as checked (or applied).
    """
    return _shown(record)


@blp.route("/<int:record_id>/apply", methods=["POST"], parameters=[RECORD_ID])
@allow(Perm.DATA_IMPORT)
@blp.arguments(ApplyArgs, location="query")
@blp.response(200, ImportSchema)
@loads("record_id", services.record_by_id, services.may_see, "导入记录")
def apply_import(args, record):
    """确认导入

    写入已检查且没有问题的文件，全部写入或全部不写入。文件有问题、尚未检查完、已经导入过，
    或检查之后数据已有变化（预览不再准确）时返回 409 并说明原因。覆盖项目时按一级、二级、三级指标
    匹配，匹配的指标及其实际完成值、监控和自评数据保留；文件中已没有、但已填报数据的指标
    （GET 返回的 `dropping` 中 `recorded` 非空）须带 `?drop_recorded=true` 确认删除，否则返回 409。
    ---
    Apply a checked file without problems (dropping indicators with recorded data only when confirmed).
    """
    services.apply(record, current_user, drop_recorded=args["drop_recorded"])
    return _shown(record)
