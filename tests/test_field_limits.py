"""Every field a schema loads into a text column is limited to that column's length (issue "Hardening…"): the
schema is the one place the form, the API and every import take the limit from, so SQLite and PostgreSQL
answer alike instead of PostgreSQL refusing the write and SQLite keeping it."""

import pytest
from marshmallow import validate
from sqlalchemy import String

from perf.actuals.models import ActualValue
from perf.actuals.schemas import ActualEntrySchema
from perf.projects.models import Indicator, Project
from perf.projects.schemas import IndicatorRowSchema, TargetTableSchema
from perf.spending.models import Payment
from perf.spending.schemas import PaymentSchema, Source

#: (schema, model, {schema field: column} where the names differ).
PAIRS = [
    (TargetTableSchema, Project, {}),
    (IndicatorRowSchema, Indicator, {}),
    (PaymentSchema, Payment, {}),
    (ActualEntrySchema, ActualValue, {"value": "value_text"}),
]


def limited(schema, model, renamed) -> list[tuple[str, int, list[int], bool]]:
    """(field, column length, the schema's maximum lengths, whether it is a closed choice) per text column."""
    columns = {column.key: column for column in model.__table__.columns}
    found = []
    for name, field in schema().load_fields.items():
        column = columns.get(renamed.get(name, field.attribute or name))
        if column is None or not isinstance(column.type, String) or column.type.length is None:
            continue
        most = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None]
        # a closed choice (资金来源 reads 财政资金/其他资金 and stores its code) holds only its codes
        choice = isinstance(field, Source) or any(isinstance(v, validate.OneOf) for v in field.validators)
        found.append((name, column.type.length, most, choice))
    return found


@pytest.mark.parametrize(("schema", "model", "renamed"), PAIRS, ids=lambda v: getattr(v, "__name__", ""))
def test_each_text_field_is_limited_to_its_column(schema, model, renamed):
    checked = limited(schema, model, renamed)
    assert checked, "the pair shares text columns"
    for name, length, most, choice in checked:
        assert choice or (most and max(most) <= length), f"{schema.__name__}.{name}: column {length}, schema {most}"


def test_the_check_sees_a_field_that_outgrows_its_column(monkeypatch):
    """The test above would notice a schema allowing more than the column holds."""
    field = PaymentSchema._declared_fields["voucher_no"]
    monkeypatch.setattr(field, "validators", [validate.Length(max=65)])
    (found,) = [row for row in limited(PaymentSchema, Payment, {}) if row[0] == "voucher_no"]
    assert found[1] == 64 and max(found[2]) > found[1]
