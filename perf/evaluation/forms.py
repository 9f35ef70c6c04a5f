"""Forms of the self-evaluation and actual-value pages; messages in Chinese at each field."""


from decimal import Decimal, InvalidOperation

from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from perf.evaluation.workflow import MAX_OUTCOME, MAX_REASON, EvaluationData, RowData
from perf.forms import ChineseForm
from perf.numbers import FULL_WIDTH, fmt2


class NumberField(StringField):
    """A decimal typed as people type it (全角数字, 千分位, a trailing %), kept exact."""

    def __init__(self, label=None, validators=None, places: int = 2, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.number: Decimal | None = None

    def _value(self) -> str:
        return self.data or ""

    def post_validate(self, form, validation_stopped: bool) -> None:
        """Parse after the field's own validators ran; report a clear Chinese message."""
        if validation_stopped or not (self.data or "").strip():
            return
        text = self.data.strip().translate(FULL_WIDTH).replace(",", "").removesuffix("%")
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.errors.append("请输入数字")
            return
        if not number.is_finite() or number.as_tuple().exponent < -self.places:
            self.errors.append(f"最多 {self.places} 位小数")
        elif number < 0:
            self.errors.append("不能为负数")
        else:
            self.number = number


class EvaluationRowForm(Form):
    """One indicator: its weight (分值), the 定性 band and score, the 偏差原因分析及改进措施."""

    indicator_id = HiddenField()
    weight = NumberField("分值", [InputRequired("请填写分值")])
    band = SelectField("评价档次", validate_choice=False)
    band_score = NumberField("得分", [Optional()])
    reason = TextAreaField(
        "偏差原因分析及改进措施", [Optional(), Length(max=MAX_REASON, message=f"最多 {MAX_REASON} 个字")]
    )


class SelfEvaluationForm(ChineseForm):
    """The owner's part of the 项目支出绩效自评表."""

    lock_version = HiddenField()
    outcome = TextAreaField("年度总体目标实际完成情况", [Length(max=MAX_OUTCOME, message=f"最多 {MAX_OUTCOME} 个字")])
    full_year_budget = NumberField("全年预算数（万元）", [Optional()])
    carried_over = NumberField("上年结转资金（万元）", [Optional()])
    rows = FieldList(FormField(EvaluationRowForm))

    def configure(self, bands) -> None:
        """The 定性 band choices of the configured scoring settings."""
        for row in self.rows:
            row.band.choices = [("", "—"), *((band.key, band.label) for band in bands)]

    def fill(self, evaluation, rows: list[RowData]) -> None:
        """Pre-fill from what is stored (the default weights where nothing is)."""
        self.lock_version.data = str(evaluation.lock_version) if evaluation else ""
        self.outcome.data = evaluation.outcome if evaluation else ""
        self.full_year_budget.data = _two(evaluation.full_year_budget) if evaluation else ""
        self.carried_over.data = _two(evaluation.carried_over) if evaluation else ""
        for row in rows:
            self.rows.append_entry(
                {
                    "indicator_id": str(row.indicator_id),
                    "weight": _two(row.weight),
                    "band": row.band or "",
                    "band_score": _two(row.band_score),
                    "reason": row.reason,
                }
            )

    def to_data(self) -> EvaluationData:
        """The service's form of what was typed (call after validation)."""
        rows = tuple(
            RowData(
                indicator_id=int(entry.form.indicator_id.data) if (entry.form.indicator_id.data or "").isdigit() else 0,
                weight=entry.form.weight.number,
                band=entry.form.band.data or None,
                band_score=entry.form.band_score.number,
                reason=entry.form.reason.data or "",
            )
            for entry in self.rows
        )
        version = (self.lock_version.data or "").strip()
        return EvaluationData(
            outcome=self.outcome.data or "",
            rows=rows,
            full_year_budget=self.full_year_budget.number,
            carried_over=self.carried_over.number,
            lock_version=int(version) if version.isdigit() else None,
        )

    def show_errors(self, fields: dict[str, list[str]]) -> None:
        """Put the service's ``{"rows-0-weight": [...]}`` messages at their fields; others above the form."""
        for name, found in fields.items():
            field = self._field(name)
            if field is None:
                self.form_errors.extend(found)
            else:
                field.errors = [*field.errors, *found]

    def _field(self, name: str):
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "rows" and parts[1].isdigit() and int(parts[1]) < len(self.rows):
            return self.rows[int(parts[1])].form._fields.get(parts[2])
        return self._fields.get(name) if name != "rows" else None


def _two(value) -> str:
    return fmt2(value) if value is not None else ""
