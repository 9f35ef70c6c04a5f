"""The 实际完成值 form: one row per indicator on the form's date; the rows are read by the one entry schema
(``perf.actuals.schemas``) in the service, whose messages land at each row's field."""

from datetime import date

from wtforms import DateField, FieldList, Form, FormField, HiddenField, StringField
from wtforms.validators import InputRequired

from perf.forms import ChineseForm
from perf.versions import read_version


class ActualRowForm(Form):
    """One indicator's 实际完成值 on the form's date."""

    indicator_id = HiddenField()
    #: The stored value's version when the page was shown (0: none was stored); a save from an older one is refused.
    lock_version = HiddenField()
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
                "version": read_version(row.form.lock_version.data),
            }
            for row in self.rows
        ]

    def refresh_versions(self, versions: dict[int, int]) -> None:
        """After a save refused as stale: each row now carries the version it was just shown against, so
        saving again (after reading the messages) is a deliberate overwrite; what was typed stays."""
        for row in self.rows:
            indicator_id = _id(row.form.indicator_id.data)
            if indicator_id is not None:
                row.form.lock_version.data = str(versions.get(indicator_id, 0))

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
                    "lock_version": str(stored.lock_version if stored else 0),
                }
            )


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None
