"""The payment entry form: WTForms for the page, ``PaymentSchema`` for reading what was typed.

The schema is the one place a date or an amount is read, so the form, a file import and
the API agree; its Chinese messages (and the services' rule messages) land at the fields
(``perf.boundary.refusal``).
"""

from wtforms import SelectChoice, SelectField, StringField

from perf.forms import ChineseForm
from perf.numbers import fmt2
from perf.spending.models import SOURCE_LABELS
from perf.spending.schemas import PaymentData, load_payment

FIELDS = ("date", "amount_yuan", "source", "voucher_no", "refund_of", "note")


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

    def payment(self) -> PaymentData:
        """What was typed, read through the payment schema; RuleError (at the fields) when it cannot be read."""
        return load_payment({name: getattr(self, name).data or "" for name in FIELDS}, partial=("project_code",))

    def fill_from(self, payment) -> None:
        """Pre-fill with a stored payment, for correcting it."""
        self.date.data = payment.paid_on.isoformat()
        self.amount_yuan.data = fmt2(payment.amount)
        self.source.data = payment.source
        self.voucher_no.data = payment.voucher_no
        self.refund_of.data = payment.refund_of or ""
        self.note.data = payment.note
