"""The owner's form of the 监控表: one sub-form per indicator, messages in Chinese at each field."""

from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from perf.errors import RuleError, show_on_form
from perf.forms import ChineseForm
from perf.midyear.models import CAUSE_LABELS, LIKELIHOOD_LABELS
from perf.midyear.services import EntryData, shown_actual


class MultiCheckboxField(SelectMultipleField):
    """A multi-select rendered as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(Form):
    """One indicator's row (no CSRF of its own: the page form carries it)."""

    indicator_id = HiddenField()
    #: Which actual (and its version) the 1–7月 box showed (``perf.midyear.services.shown_actual``).
    actual_shown = HiddenField()
    actual = StringField("1–7月执行情况")
    forecast = StringField("全年预计完成情况")
    likelihood = SelectField(
        "完成目标可能性",
        choices=[SelectChoice("", "请选择"), *(SelectChoice(key, label) for key, label in LIKELIHOOD_LABELS.items())],
        validate_choice=False,
    )
    causes = MultiCheckboxField(
        "偏差原因", choices=[SelectChoice(key, label) for key, label in CAUSE_LABELS.items()], validate_choice=False
    )
    measures = TextAreaField("纠偏措施")


class MidyearForm(ChineseForm):
    """Every indicator of the project in the round."""

    entries = FieldList(FormField(EntryForm))

    def fill(self, rows) -> None:
        """Pre-fill from the sheet's rows (stored entry and latest actual)."""
        for row in rows:
            entry = row.entry
            self.entries.append_entry(
                {
                    "indicator_id": str(row.indicator.id),
                    "actual_shown": shown_actual(row.actual),
                    "actual": row.actual.value_text if row.actual else "",
                    "forecast": entry.forecast_text if entry else "",
                    "likelihood": (entry.likelihood or "") if entry else "",
                    "causes": list(entry.causes or []) if entry else [],
                    "measures": entry.measures if entry else "",
                }
            )

    def show_actuals(self, rows) -> None:
        """After a save refused as stale: each row now names the actual the page shows beside it, so saving
        again is a deliberate overwrite; what was typed stays."""
        shown = {row.indicator.id: shown_actual(row.actual) for row in rows}
        for sub in (entry.form for entry in self.entries):
            indicator_id = _id(sub.indicator_id.data)
            if indicator_id in shown:
                sub.actual_shown.data = shown[indicator_id]

    def to_data(self) -> list[EntryData]:
        """The service's form of what was typed; an unreadable indicator id becomes 0 (refused there)."""
        return [
            EntryData(
                indicator_id=_id(sub.indicator_id.data),
                actual=sub.actual.data,
                forecast=sub.forecast.data or "",
                likelihood=sub.likelihood.data or None,
                causes=list(sub.causes.data or []),
                measures=sub.measures.data or "",
                actual_shown=(sub.actual_shown.data or "").strip() or None,
            )
            for sub in (entry.form for entry in self.entries)
        ]

    def by_indicator(self) -> dict[int, EntryForm]:
        """Indicator id -> its sub-form, for laying the inputs into the table."""
        subs = (entry.form for entry in self.entries)
        return {_id(sub.indicator_id.data): sub for sub in subs if _id(sub.indicator_id.data)}

    def show_rule_error(self, error: RuleError) -> None:
        """Put the service's messages at the rows' fields (``entries.<position>.<field>``); the rest above."""
        show_on_form(self, error)


def _id(text: str | None) -> int:
    """An indicator id as typed in a hidden field; 0 when it is not one."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0
