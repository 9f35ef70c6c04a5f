"""marshmallow schemas: the JSON form of a 绩效目标表 (export now, the API later)."""

from marshmallow import Schema, fields

from perf.numbers import fmt2, plain


class TwoPlaces(fields.Field):
    """A Decimal as a string with exactly two places ("28.00")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class PlainDecimal(fields.Field):
    """A Decimal as its shortest exact string ("40", "32.9")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)


class BudgetSchema(Schema):
    """预算数 and its split, in 万元."""

    total = TwoPlaces()
    fiscal = TwoPlaces()
    other = TwoPlaces()


class PlanEntrySchema(Schema):
    """One checkpoint of the 资金支出计划."""

    checkpoint = fields.Function(lambda e: e.checkpoint.on_date.isoformat())
    cumulative_pct = TwoPlaces()


class IndicatorSchema(Schema):
    """One indicator row, as published and as parsed."""

    level1 = fields.String()
    level2 = fields.String()
    name = fields.String()
    description = fields.String()
    value = fields.String(attribute="value_text")
    comparator = fields.String(allow_none=True)
    target = PlainDecimal(allow_none=True)
    unit = fields.String(allow_none=True)
    kind = fields.String()
    direction = fields.String(allow_none=True)
    basis = fields.String()


class ProjectTableSchema(Schema):
    """A whole 绩效目标表."""

    code = fields.String()
    name = fields.String()
    year = fields.Function(lambda p: p.budget_year.year)
    department = fields.Function(lambda p: p.unit.department.name)
    department_code = fields.Function(lambda p: p.unit.department.code)
    unit = fields.Function(lambda p: p.unit.name)
    status = fields.String()
    budget = fields.Function(lambda p: BudgetSchema().dump(p))
    spend_plan = fields.List(fields.Nested(PlanEntrySchema), attribute="plan")
    goal = fields.String()
    purpose = fields.String()
    indicators = fields.List(fields.Nested(IndicatorSchema))
