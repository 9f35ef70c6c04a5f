"""JSON form of a scan: one object per project, numbers as decimal strings."""

from marshmallow import Schema, fields

from perf.projects.schemas import TwoPlaces


class StatusSchema(Schema):
    """One project's status at the scan date."""

    code = fields.String()
    name = fields.String()
    checkpoint = fields.Date(allow_none=True)
    planned_pct = TwoPlaces()
    actual_pct = TwoPlaces(allow_none=True)
    gap_pp = TwoPlaces(allow_none=True)
    ratio = TwoPlaces(allow_none=True)
    level = fields.String()
    time_pct = TwoPlaces()
    budget = TwoPlaces()
    paid_yuan = TwoPlaces(attribute="paid")
    has_plan = fields.Boolean()
    forecast_pct = TwoPlaces(allow_none=True)
    forecast_short = fields.Boolean()
    over_budget = fields.Boolean()
