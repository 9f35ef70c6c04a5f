"""The one shape of a 绩效目标表: its header, its 资金支出计划 and its indicator rows, with every rule they meet.

The form, the API and the document import all load a table through ``TargetTableSchema`` (the
services do it: ``services.load_table``); the rules that need the budget year (one plan percent
per checkpoint, the plan rule, 二级 under its 一级 in the year's scheme) run when a year is
given. A published document is taken as published (``published=True``): its rows are checked
for what the database must hold, while a misfiled 二级 is left to the target review to report.

Each field is declared once, with its Chinese ``label``: the form's inputs, the audit log's
before/after, the kept versions and the export all follow these declarations, so adding a
column to the indicator row is a change to the model, ``IndicatorRowSchema``, a migration and
the templates. Loading yields plain dicts keyed by the model's attribute names.
"""

import copy
from collections.abc import Callable, Iterable

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from perf import tunables
from perf.errors import Problems, RuleError
from perf.fields import Exact, Items, Number, Obj, PerfSchema, Text, TypedText, WanAmount
from perf.numbers import fmt2, plain, wan_text, wan_to_yuan
from perf.projects.indicators import value_fields
from perf.projects.plan import plan_findings
from perf.projects.taxonomy import taxonomy

#: indicator.target is Numeric(24, 6) and indicator.unit String(20): what the database can hold.
MAX_TARGET_DIGITS = 18
MAX_UNIT = 20
MAX_ROWS = 200


def _form(label: str, widget: str = "input") -> dict:
    """Metadata for the form: the input's label and widget (input, textarea, select)."""
    return {"form_label": label, "widget": widget}


class IndicatorRowSchema(PerfSchema):
    """One indicator row: 一级 / 二级 / 三级, the 指标值 as entered, and (output only) how it was read."""

    level1 = Text("一级指标", 30, required=True, metadata=_form("一级指标", "select"))
    level2 = Text("二级指标", 30, required=True, metadata=_form("二级指标", "select"))
    name = TypedText("三级指标", 200, required=True, metadata=_form("三级指标"))
    description = Text("绩效指标描述", 1000, load_default="", metadata=_form("绩效指标描述"))
    value = TypedText("指标值", 200, required=True, attribute="value_text", metadata=_form("指标值"))
    basis = Text("指标值确定依据", 1000, load_default="", metadata=_form("指标值确定依据"))
    #: A separate 度量单位 column of an imported table, used when the 指标值 itself has no unit (``=100`` | ``%``).
    unit_hint = Text("度量单位", MAX_UNIT, load_only=True, load_default=None, allow_none=True)
    # How perf read the 指标值 (output only).
    comparator = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "比较符：≥ ≤ > < =（定性为空）"}
    )
    target = Exact(allow_none=True, metadata={"description": "指标值中的数值（定性为空）"})
    unit = fields.String(dump_only=True, allow_none=True, metadata={"description": "指标值的计量单位，如 %、万元、人"})
    kind = fields.String(dump_only=True, metadata={"description": "quantitative 定量 / qualitative 定性"})
    direction = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "higher_better 正向 / lower_better 反向 / equal 等于（定性为空）"},
    )


class TargetTableSchema(PerfSchema):
    """A whole 绩效目标表: header (万元), one cumulative percent per checkpoint, 1–200 indicator rows."""

    code = TypedText(
        "项目编码",
        40,
        required=True,
        validate=[validate.Regexp(r"^[A-Za-z0-9]+$", error="项目编码只能由字母和数字组成")],
        metadata=_form("项目编码"),
    )
    name = TypedText("项目名称", 200, required=True, metadata=_form("项目名称"))
    total = WanAmount("预算数", required=True, metadata=_form("预算数（万元）"))
    fiscal = WanAmount("财政资金", required=True, metadata=_form("其中：财政资金（万元）"))
    other = WanAmount("其他资金", load_default=Number.ZERO, metadata=_form("其他资金（万元）"))
    purpose = Text("资金用途", 5000, load_default="", metadata=_form("资金用途", "textarea"))
    spend_plan = Items(
        Number("计划支出进度", integer_digits=3, percent=True, required=True, metadata={"example": "30"}),
        load_default=list,
        attribute="plan",
        validate=[validate.Length(max=24, error="节点过多")],
        metadata={"description": "每个节点（见 /api/v1/years）的累计计划支出进度（%），按时间顺序"},
    )
    goal = Text("绩效目标", 5000, load_default="", metadata=_form("绩效目标", "textarea"))
    indicators = Items(
        Obj(IndicatorRowSchema),
        required=True,
        validate=[validate.Length(min=1, max=MAX_ROWS, error=f"请填写 1 到 {MAX_ROWS} 行绩效指标")],
        metadata={"description": f"绩效指标行（1 到 {MAX_ROWS} 行），按表中顺序"},
    )

    def __init__(self, year=None, published: bool = False, extra_units: Iterable[str] = (), **kwargs):
        super().__init__(**kwargs)
        self.year, self.published, self.extra_units = year, published, tuple(extra_units)

    @validates_schema(skip_on_field_errors=False)
    def table_rules(self, data: dict, **kwargs) -> None:
        """Amounts add up; the plan fits the year; rows fit the year's scheme and the database."""
        problems = Problems()
        _amounts(data, problems)
        if self.year is not None:
            _plan(data.get("plan"), self.year, problems)
        scheme = taxonomy(self.year.scheme) if self.year is not None and not self.published else None
        for index, row in enumerate(data.get("indicators") or []):
            _row(index, row, scheme, problems, self.extra_units)
        if problems:
            raise ValidationError(problems.errors)

    @post_load
    def plain_values(self, data: dict, **kwargs) -> dict:
        """The table as model attribute names (``plan`` and ``indicators`` as lists)."""
        data.setdefault("plan", [])
        return data


def _amounts(data: dict, problems: Problems) -> None:
    total, fiscal, other = data.get("total"), data.get("fiscal"), data.get("other")
    if None not in (total, fiscal, other) and fiscal + other != total:
        problems.add("total", f"财政资金 {fiscal} 万元 + 其他资金 {other} 万元 ≠ 预算数 {total} 万元")


def _plan(plan, year, problems: Problems) -> None:
    """No plan yet, or one cumulative percent per checkpoint of the year by the plan rule."""
    if not plan:
        return
    checkpoints = year.checkpoints
    if len(plan) != len(checkpoints):
        problems.add("spend_plan", f"资金支出计划应有 {len(checkpoints)} 个节点，实为 {len(plan)} 个")
        return
    for index, message in plan_findings([(cp.label, pct) for cp, pct in zip(checkpoints, plan, strict=True)]):
        problems.add(f"spend_plan.{index}", message)


def _row(index: int, row: dict, scheme, problems: Problems, extra_units: Iterable[str] = ()) -> None:
    """二级 under its 一级 (when ``scheme`` is given), and a 指标值 whose number and unit the database holds."""
    where = f"indicators.{index}"
    level1, level2 = row.get("level1"), row.get("level2")
    if scheme is not None and level1 is not None and level2 is not None:
        if level1 not in scheme:
            problems.add(f"{where}.level1", f"一级指标应为：{'、'.join(scheme)}")
            return
        if level2 not in scheme[level1]:
            problems.add(f"{where}.level2", f"“{level2 or '（空）'}”不属于{level1}")
            return
    value = row.get("value_text")
    if value is not None and level1 is not None and level2 is not None:
        message = value_problem(value, level1, level2, row.get("unit_hint"), extra_units)
        if message:
            problems.add(f"{where}.value", f"第{index + 1}行“{row.get('name') or ''}”：{message}")


def value_problem(
    value: str, level1: str, level2: str, unit_hint: str | None = None, extra_units: Iterable[str] = ()
) -> str | None:
    """Why a 指标值's parsed number or unit cannot be stored, in Chinese; None when it can."""
    parsed = value_fields(value, level1, level2, unit_hint, extra_units)
    target = parsed["target"]
    if target is not None and target.adjusted() >= MAX_TARGET_DIGITS:
        return f"指标值中的数字过大（整数部分最多 {MAX_TARGET_DIGITS} 位）"
    if len(parsed["unit"] or "") > MAX_UNIT:
        return f"指标值的计量单位最多 {MAX_UNIT} 个字符"
    return None


def load_table(raw, year=None, published: bool = False) -> dict:
    """A table as entered, checked by every rule (those of ``year`` when given); RuleError with them all.

    Runs in the app: the 指标值 are read with the admin's extra units (系统设置).
    """
    return table_loader(year, published)(raw)


def table_loader(year=None, published: bool = False) -> Callable[[object], dict]:
    """``load_table`` for many tables of one year: the schema (and its nested ones) built once."""
    schema = TargetTableSchema(year=year, published=published, extra_units=tunables.get("extra_units"))

    def load(raw) -> dict:
        try:
            return schema.load(raw)
        except ValidationError as error:
            raise RuleError.from_marshmallow(error.messages) from None

    return load


def entered(schema: type[PerfSchema]) -> list[tuple[str, str, str]]:
    """(key, model attribute, label) of every field a person enters, in declaration order."""
    return [
        (field.data_key or name, field.attribute or name, field.metadata["label"])
        for name, field in schema().load_fields.items()
        if "label" in field.metadata and not field.load_only
    ]


def header_labels() -> dict[str, str]:
    """The Chinese name of each header field of a table (a path without a row: ``name`` is 项目名称)."""
    return {key: label for key, _, label in entered(TargetTableSchema)}


def labels() -> dict[str, str]:
    """Every path step of a table and its Chinese name, for messages located by path."""
    named = {key: label for schema in (TargetTableSchema, IndicatorRowSchema) for key, _, label in entered(schema)}
    return {**named, "spend_plan": "资金支出计划", "indicators": "绩效指标"}


# --- the table as a document: the export, the kept versions and the audit log ------------------------


class TwoPlaces(fields.Field):
    """A Decimal as a string with exactly two places ("28.00")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class PlainDecimal(fields.Field):
    """A Decimal as its shortest exact string ("40", "32.9")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)


class WanText(fields.Field):
    """A 万元 amount: two places when that is exact ("28.00"), else every place it has ("330.984")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return wan_text(value)


def _yuan(name: str) -> fields.Function:
    """The 万元 amount ``name`` written in 元 with two places ("3309840.00")."""
    return fields.Function(lambda obj: fmt2(wan_to_yuan(getattr(obj, name))))


class BudgetSchema(PerfSchema):
    """预算数 and its split, in 万元 and again in 元 (exact to the 分)."""

    total = WanText()
    fiscal = WanText()
    other = WanText()
    total_yuan = _yuan("total")
    fiscal_yuan = _yuan("fiscal")
    other_yuan = _yuan("other")


class PlanEntrySchema(PerfSchema):
    """One checkpoint of the 资金支出计划."""

    checkpoint = fields.Function(lambda e: e.checkpoint.on_date.isoformat())
    cumulative_pct = TwoPlaces()


#: The header amounts, which the export (and every kept version) also nests under ``budget``.
BUDGET = ("total", "fiscal", "other")


def _export_fields() -> dict:
    """The export's fields: every header field of the one schema as declared, then the document's own."""
    declared = TargetTableSchema().load_fields
    header = {
        key: copy.deepcopy(declared[key]) for key, _, _ in entered(TargetTableSchema) if key not in ("spend_plan",)
    }
    for name in header.values():
        name.load_only = False
    return {
        **header,
        "year": fields.Function(lambda p: p.budget_year.year),
        "department": fields.Function(lambda p: p.unit.department.name),
        "department_code": fields.Function(lambda p: p.unit.department.code),
        "unit": fields.Function(lambda p: p.unit.name),
        "status": fields.String(),
        "budget": fields.Function(lambda p: BudgetSchema().dump(p)),
        "spend_plan": fields.List(fields.Nested(PlanEntrySchema), attribute="plan"),
        "indicators": fields.List(fields.Nested(IndicatorRowSchema)),
    }


#: A whole 绩效目标表 as ``perf export-project`` prints it and as kept versions hold it.
ProjectTableSchema = PerfSchema.from_dict(_export_fields(), name="ProjectTableSchema")
