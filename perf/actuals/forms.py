"""The 实际完成值 form: one row per indicator on the form's date; the rows are read by the one entry schema
(``perf.actuals.schemas``) in the service, whose messages land at each row's field."""

from datetime import date

from wtforms import DateField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import InputRequired

from perf.forms import ChineseForm


class ActualRowForm(Form):
    """One indicator's 实际完成值 on the form's date."""

    indicator_id = HiddenField()
    value = StringField("实际完成值")
    note = StringField("备注")
    reason = StringField("偏差原因")


class ActualsForm(ChineseForm):
    """Actual values of every indicator of a project as of one date."""

    as_of = DateField("截至日期", [InputRequired("请填写日期")], format="%Y-%m-%d")
    rows = FieldList(FormField(ActualRowForm))

    def entries(self) -> list[dict]:
        """What was typed in each row, as the service reads it (an unreadable indicator id matches none)."""
        return [
            {
                "indicator_id": _id(row.form.indicator_id.data),
                "value": row.form.value.data,
                "note": row.form.note.data,
                "reason": row.form.reason.data,
            }
            for row in self.rows
        ]

    def fill(self, as_of: date, indicators, latest: dict) -> None:
        self.as_of.data = as_of
        for indicator in indicators:
            stored = latest.get(indicator.id)
            self.rows.append_entry(
                {
                    "indicator_id": str(indicator.id),
                    "value": stored.value_text if stored else "",
                    "note": stored.note if stored else "",
                    "reason": stored.reason if stored else "",
                }
            )


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None
