"""The 实际完成值 form: one row per indicator on the form's date, messages in Chinese at each field."""

from datetime import date

from wtforms import DateField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional

from perf.actuals.services import MAX_TEXT
from perf.evaluation.workflow import MAX_REASON
from perf.forms import ChineseForm


class ActualRowForm(Form):
    """One indicator's 实际完成值 on the form's date."""

    indicator_id = HiddenField()
    value = StringField("实际完成值", [Optional(), Length(max=MAX_TEXT, message=f"最多 {MAX_TEXT} 个字符")])
    note = StringField("备注", [Optional(), Length(max=500, message="最多 500 个字")])
    reason = StringField("偏差原因", [Optional(), Length(max=MAX_REASON, message=f"最多 {MAX_REASON} 个字")])


class ActualsForm(ChineseForm):
    """Actual values of every indicator of a project as of one date."""

    as_of = DateField("截至日期", [InputRequired("请填写日期")], format="%Y-%m-%d")
    rows = FieldList(FormField(ActualRowForm))

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
