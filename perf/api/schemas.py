"""Schemas of the API's envelope, organisation and projects (input and output)."""

from marshmallow import fields, validate

from perf.api.common import PageArgs
from perf.fields import Day, Flag, Id, Int, Items, Moment, Money, Obj, PerfSchema, Text, WanMoney, Year
from perf.projects.models import STATUSES
from perf.projects.schemas import IndicatorRowSchema, TargetTableSchema


class ErrorSchema(PerfSchema):
    """Every error: HTTP status, a Chinese message and the messages of each field at fault."""

    code = Int(required=True, metadata={"description": "HTTP 状态码"})
    message = Text(required=True, metadata={"description": "中文说明"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "字段 -> 说明；嵌套字段以点号连接，如 payments.3.amount_yuan"},
    )


# Organisation ------------------------------------------------------------------------------


class CheckpointSchema(PerfSchema):
    """A 资金支出计划 checkpoint of a year."""

    seq = Int(dump_only=True, metadata={"description": "节点序号，从 1 开始"})
    on_date = Day(dump_only=True, metadata={"description": "节点日期，如 2024-03-31"})
    label = Text(dump_only=True, metadata={"description": "节点名称，如 3月底"})
    is_final = Flag(dump_only=True, metadata={"description": "是否年末节点（计划须为 100%）"})


class YearSchema(PerfSchema):
    """A budget year, its indicator scheme and its checkpoints."""

    id = Int(dump_only=True, metadata={"description": "预算年度的编号"})
    year = Int(dump_only=True, metadata={"description": "预算年度，如 2024"})
    scheme = Text(dump_only=True, metadata={"description": "指标体系：2020 或 2021"})
    checkpoints = Items(Obj(CheckpointSchema), dump_only=True, metadata={"description": "资金支出计划的时间节点"})


class UnitSchema(PerfSchema):
    """A budget unit (单位)."""

    id = Int(dump_only=True, metadata={"description": "单位编号（unit_id）"})
    department_id = Int(dump_only=True, metadata={"description": "所属部门编号"})
    department_code = Text(attribute="department.code", dump_only=True, metadata={"description": "所属部门编码"})
    name = Text(dump_only=True, metadata={"description": "单位名称"})
    nature = Text(dump_only=True, metadata={"description": "单位性质"})
    rank = Text(dump_only=True, metadata={"description": "单位规格"})
    funding = Text(dump_only=True, metadata={"description": "经费保障形式"})


class DepartmentSchema(PerfSchema):
    """A department (部门) and its units."""

    id = Int(dump_only=True, metadata={"description": "部门编号"})
    code = Text(dump_only=True, metadata={"description": "部门编码，如 306"})
    name = Text(dump_only=True, metadata={"description": "部门名称"})
    units = Items(Obj(UnitSchema), dump_only=True)


class UnitArgs(PerfSchema):
    """Filter units."""

    department = Text(max_length=20, metadata={"description": "部门编码，如 306"})


class MeSchema(PerfSchema):
    """The caller."""

    id = Int(dump_only=True, metadata={"description": "用户编号"})
    username = Text(dump_only=True, metadata={"description": "用户名"})
    display_name = Text(dump_only=True, metadata={"description": "显示名"})
    role = Text(
        dump_only=True,
        metadata={"description": "owner 项目负责人 / reviewer 财务审核 / leader 部门领导 / admin 管理员"},
    )
    role_label = Text(dump_only=True, metadata={"description": "角色名称，如 项目负责人"})
    department_id = Int(dump_only=True, allow_none=True, metadata={"description": "所属部门编号（财务审核、部门领导）"})
    unit_ids = Items(Int(), dump_only=True, metadata={"description": "负责的单位编号（项目负责人）"})
    permissions = Items(Text(), dump_only=True, metadata={"description": "可用的权限"})


# Projects ----------------------------------------------------------------------------------


class ProjectArgs(PageArgs):
    """Filter the project list."""

    year = Year(metadata={"description": "预算年度"})
    unit_id = Id(metadata={"description": "实施单位"})
    department = Text(max_length=20, metadata={"description": "部门编码"})
    status = Text(
        validate=[validate.OneOf(STATUSES, error="应为 draft、submitted 或 approved")],
        metadata={"description": "draft 草稿 / submitted 已提交 / approved 已批复"},
    )
    code = Text(max_length=40, metadata={"description": "项目编码"})


class ProjectSummarySchema(PerfSchema):
    """A project as listed."""

    id = Int(dump_only=True, metadata={"description": "项目编号（路径中的 project_id）"})
    code = Text(dump_only=True, metadata={"description": "项目编码"})
    name = Text(dump_only=True, metadata={"description": "项目名称"})
    year = Int(attribute="budget_year.year", dump_only=True, metadata={"description": "预算年度"})
    department_code = Text(attribute="unit.department.code", dump_only=True, metadata={"description": "主管部门编码"})
    unit_id = Int(dump_only=True, metadata={"description": "实施单位编号"})
    unit = Text(attribute="unit.name", dump_only=True, metadata={"description": "实施单位名称"})
    status = Text(dump_only=True, metadata={"description": "draft 草稿 / submitted 已提交 / approved 已批复"})
    status_label = Text(dump_only=True, metadata={"description": "草稿 / 已提交 / 已批复 / 调整中 / 调整待审"})
    total = WanMoney(metadata={"description": "预算数（万元，精确到分时可多于两位小数）"})
    fiscal = WanMoney(metadata={"description": "财政资金（万元）"})
    other = WanMoney(metadata={"description": "其他资金（万元）"})
    lock_version = Int(dump_only=True, metadata={"description": "版本号，每次保存加 1"})
    updated_at = Moment(dump_only=True, metadata={"description": "最后修改时间"})


class PlanPointSchema(PerfSchema):
    """One checkpoint of the 资金支出计划: cumulative percent planned as spent."""

    seq = Int(dump_only=True, metadata={"description": "节点序号"})
    checkpoint = Day(attribute="checkpoint.on_date", dump_only=True, metadata={"description": "节点日期"})
    label = Text(attribute="checkpoint.label", dump_only=True, metadata={"description": "节点名称，如 3月底"})
    cumulative_pct = Money(metadata={"description": "截至该节点的累计计划支出进度（%）"})


class IndicatorSchema(IndicatorRowSchema):
    """An indicator row, as entered and as parsed (the one row schema, with its id and position)."""

    id = Int(dump_only=True, metadata={"description": "指标编号（路径中的 indicator_id）"})
    position = Int(dump_only=True, metadata={"description": "在表中的顺序，从 0 开始"})


class FindingSchema(PerfSchema):
    """A finding of the automatic target review (目标审核); an error blocks submission."""

    rule = Text(dump_only=True, metadata={"description": "审核规则编号"})
    severity = Text(dump_only=True, metadata={"description": "error 错误（阻止提交） / warning 提示"})
    message = Text(dump_only=True, metadata={"description": "审核意见（中文）"})
    indicator = Text(dump_only=True, allow_none=True, metadata={"description": "涉及的三级指标（整表意见为空）"})
    position = Int(dump_only=True, allow_none=True, metadata={"description": "涉及指标的顺序（整表意见为空）"})


class ProjectDetailSchema(ProjectSummarySchema):
    """A whole 绩效目标表 with its review findings; its ETag goes in If-Match to update it."""

    purpose = Text(dump_only=True, metadata={"description": "资金用途"})
    goal = Text(dump_only=True, metadata={"description": "绩效目标"})
    adjustment_reason = Text(dump_only=True, allow_none=True, metadata={"description": "调整原因（调整中）"})
    spend_plan = Items(Obj(PlanPointSchema), attribute="plan", dump_only=True)
    indicators = Items(Obj(IndicatorSchema), dump_only=True)
    findings = Items(Obj(FindingSchema), dump_only=True)


class PlacementSchema(PerfSchema):
    """Where a new project goes: its budget year and unit."""

    year = Year(required=True, metadata={"description": "预算年度，如 2024"})
    unit_id = Id(required=True, metadata={"description": "实施单位（须是本人负责的单位）"})


class ProjectCreateSchema(TargetTableSchema, PlacementSchema):
    """A new project: its year and unit, and its table (the one table schema)."""


class StepSchema(PerfSchema):
    """A workflow step's comment (退回 and 调整 need one)."""

    comment = Text(
        max_length=5000, load_default="", metadata={"description": "意见：退回时的审核意见、申请调整的原因等"}
    )
