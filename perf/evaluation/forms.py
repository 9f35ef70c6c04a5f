"""The owner's self-evaluation form; what is typed is read by the one entries schema in the service."""

from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField

from perf.evaluation.schemas import RowData
from perf.forms import ChineseForm
from perf.numbers import fmt2, wan_text
from perf.versions import read_version


class EvaluationRowForm(Form):
    """One indicator: its weight (分值), the 定性 band and score, the 偏差原因分析及改进措施."""

    indicator_id = HiddenField()
    weight = StringField("分值")
    band = SelectField("评价档次", validate_choice=False)
    band_score = StringField("得分")
    reason = TextAreaField("偏差原因分析及改进措施")


class SelfEvaluationForm(ChineseForm):
    """The owner's part of the 项目支出绩效自评表."""

    lock_version = HiddenField()
    outcome = TextAreaField("年度总体目标实际完成情况")
    full_year_budget = StringField("全年预算数（万元）")
    carried_over = StringField("上年结转资金（万元）")
    rows = FieldList(FormField(EvaluationRowForm))

    def configure(self, bands) -> None:
        """The 定性 band choices of the configured scoring settings."""
        for row in self.rows:
            row.band.choices = [("", "—"), *((band.key, band.label) for band in bands)]

    def fill(self, evaluation, rows: list[RowData]) -> None:
        """Pre-fill from what is stored (the default weights where nothing is)."""
        self.lock_version.data = str(evaluation.lock_version) if evaluation else "0"  # 0: none stored yet
        self.outcome.data = evaluation.outcome if evaluation else ""
        self.full_year_budget.data = (wan_text(evaluation.full_year_budget) or "") if evaluation else ""
        self.carried_over.data = (wan_text(evaluation.carried_over) or "") if evaluation else ""
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

    def entries(self) -> dict:
        """What was typed, as the entries schema reads it."""
        return {
            "outcome": self.outcome.data or "",
            "full_year_budget": self.full_year_budget.data or "",
            "carried_over": self.carried_over.data or "",
            "rows": [
                {
                    "indicator_id": _id(entry.form.indicator_id.data),
                    "weight": entry.form.weight.data or "",
                    "band": entry.form.band.data or "",
                    "band_score": entry.form.band_score.data or "",
                    "reason": entry.form.reason.data or "",
                }
                for entry in self.rows
            ],
        }

    @property
    def expected_version(self) -> int | None:
        """The lock version the form was filled from."""
        return read_version(self.lock_version.data)


def _id(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _two(value) -> str:
    return fmt2(value) if value is not None else ""
