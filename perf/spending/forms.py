"""The payment entry form: WTForms for the page, ``PaymentSchema`` for reading what was typed.

The schema is the one place a date or an amount is read, so the form, a file import and
the API agree; its Chinese messages (and the services' rule messages) land at the fields
(``perf.boundary.refusal``). A correction and a deletion also carry their reason, which the
services check (required, at most 2,000 characters) and write into the audit log.
"""

from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField

from perf.forms import ChineseForm
from perf.spending.models import SOURCE_LABELS
from perf.spending.schemas import PaymentData, PaymentSchema, load_payment
from perf.versions import read_version

#: The payment schema's fields, by the names the form's inputs carry.
_SCHEMA = PaymentSchema()


class PaymentForm(ChineseForm):
    """Record or correct one payment (negative amount: a refund of 原凭证号)."""

    date = StringField("支付日期", render_kw={"placeholder": "2024-06-30", "autocomplete": "off"})
    amount_yuan = StringField("金额（元）", render_kw={"placeholder": "98000.00；退款填负数", "class": "num"})
    source = SelectField(
        "资金来源", choices=[SelectChoice(code, label) for code, label in SOURCE_LABELS.items()], validate_choice=False
    )
    voucher_no = StringField("凭证号")
    refund_of = StringField("原凭证号（退款时填写）")
    note = StringField("摘要")
    #: Shown once a save needs it (past the budget, outside the budget year), or when ticked.
    confirmed = BooleanField("我已核实，仍要保存")

    def payment(self) -> PaymentData:
        """What was typed, read through the payment schema; RuleError (at the fields) when it cannot be read."""
        typed = {name: field.data or "" for name, field in self._fields.items() if name in _SCHEMA.load_fields}
        return load_payment(typed, partial=("project_code",))

    def fill_from(self, payment) -> None:
        """Pre-fill with a stored payment, for correcting it: the schema writes it as it reads it."""
        for name, value in _SCHEMA.dump(payment).items():
            if name in self._fields:
                self[name].data = value or ""


class CorrectionForm(PaymentForm):
    """Correct one payment: its fields and why (更正原因)."""

    reason = TextAreaField("更正原因", render_kw={"rows": 2, "placeholder": "如：金额录入错误，按凭证更正"})
    #: The payment's version when the form was filled (a save from an older one is refused).
    lock_version = HiddenField()

    def fill_from(self, payment) -> None:
        super().fill_from(payment)
        self.lock_version.data = str(payment.lock_version)

    @property
    def expected_version(self) -> int | None:
        """The version the correction was typed against (None when the input is missing or unreadable)."""
        return read_version(self.lock_version.data)


class DeleteForm(ChineseForm):
    """Delete one payment: why (删除原因)."""

    reason = TextAreaField("删除原因", render_kw={"rows": 2, "placeholder": "如：凭证重复录入"})
    lock_version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        """The version the page showed when the deletion was asked for."""
        return read_version(self.lock_version.data)
