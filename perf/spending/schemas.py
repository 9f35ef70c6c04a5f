"""The marshmallow schema of one payment: an imported row, the entry form and an API body load through it.

Loading yields a ``PaymentData``. What needs the database (voucher unique per project,
refunds, the budget year) is checked by ``services``; this module only reads what was
given, and says in Chinese what it could not read.
"""

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, ValidationError, fields, post_load, validates_schema

from perf.errors import RuleError
from perf.fields import DateText, Field, PerfSchema, TypedText
from perf.numbers import FULL_WIDTH, TWO_PLACES, fmt2, round2
from perf.spending.models import SOURCE_LABELS, Payment

#: 资金来源 as people write it -> the stored code.
SOURCE_NAMES = {
    "财政资金": "fiscal",
    "财政": "fiscal",
    "fiscal": "fiscal",
    "其他资金": "other",
    "其他": "other",
    "other": "other",
}
#: Numeric(16, 2): at most 14 digits before the point.
MAX_YUAN = Decimal("1e14")
#: A correction's or a deletion's reason (it goes into the audit log), as long as perf's other reasons.
MAX_REASON = 2000
_AMOUNT = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")


@dataclass(frozen=True)
class PaymentData:
    """One payment as read from a form, a file row or an API body; amounts in 元."""

    project_code: str | None
    paid_on: date
    amount: Decimal
    voucher_no: str
    source: str = "fiscal"
    note: str = ""
    refund_of: str | None = None
    #: 我已核实，仍要保存: the payer confirms a payment past the budget or dated outside the budget year.
    confirmed: bool = False


class Yuan(Field):
    """金额（元）: a decimal string (全角数字, 千分位, ¥ and 元 accepted), never a float; at most 2 places, not 0."""

    default_error_messages = {"required": "请填写金额", "null": "请填写金额"}  # noqa: RUF012

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float):
            raise ValidationError('金额请以文本给出（如 "98000.00"），以免浮点误差')
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError("金额应为数字，如 98000 或 98,000.00")
        text = value.strip().translate(FULL_WIDTH).replace(" ", "").lstrip("¥￥").removesuffix("元")
        if not text:
            raise self.make_error("required")
        return parse_yuan(text)

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


def parse_yuan(text: str) -> Decimal:
    """An amount in 元 with two places; ValidationError (Chinese) when it is not one."""
    if not _AMOUNT.fullmatch(text):
        raise ValidationError(f"金额“{text}”不是有效数字（千分位须每三位一个逗号），如 98000 或 98,000.00")
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValidationError(f"金额“{text}”不是有效数字") from None
    if abs(amount) >= MAX_YUAN:  # first: a 27-digit amount cannot even be rounded to the 分 (InvalidOperation)
        raise ValidationError("金额超出范围（不超过 14 位整数）")
    if amount != amount.quantize(TWO_PLACES):
        raise ValidationError("金额最多 2 位小数（精确到分）")
    if amount == 0:
        raise ValidationError("金额不能为 0")
    return round2(amount)


class Source(Field):
    """资金来源: 财政资金/其他资金 (or 财政/其他, fiscal/other); blank means 财政资金."""

    #: How a stored code is shown (audit entries, the API's source_label).
    labels = SOURCE_LABELS

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("资金来源应为“财政资金”或“其他资金”")
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            return "fiscal"
        source = SOURCE_NAMES.get(text.lower())
        if source is None:
            raise ValidationError(f"资金来源“{text}”应为“财政资金”或“其他资金”")
        return source

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class Confirmation(Field, fields.Boolean):
    """确认 (我已核实，仍要保存): true, a ticked box, or a cell saying 是/确认/√; blank or 否 means not confirmed.

    A boolean to the API's documentation; it reads what people write in a file cell itself.
    """

    default_error_messages = {"invalid": "确认应填“是”（我已核实，仍要保存）或留空"}  # noqa: RUF012

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in CONFIRM_YES:
            return True
        if text in CONFIRM_NO:
            return False
        raise self.make_error("invalid")

    def _serialize(self, value, attr, obj, **kwargs):
        return bool(value)


#: What a 确认 cell (or a form's ticked box, "y") says to confirm, and to leave unconfirmed.
CONFIRM_YES = frozenset({"是", "确认", "已确认", "已核实", "√", "✓", "✔", "y", "yes", "true", "1"})
CONFIRM_NO = frozenset({"", "否", "不", "n", "no", "false", "0"})


class PaymentSchema(PerfSchema):
    """One payment. Load with ``partial=("project_code",)`` when the project is known (a form, a project URL)."""

    class Meta:
        unknown = RAISE

    id = fields.Integer(dump_only=True)
    project_code = TypedText("项目编码", 40, identifier=True, required=True, column="required")
    date = DateText("支付日期", required=True, attribute="paid_on", column="required")
    amount_yuan = Yuan(
        "金额（元）",
        required=True,
        attribute="amount",
        column="required",
        metadata={"description": "金额（元），退款为负数", "example": "98000.00"},
    )
    voucher_no = TypedText("凭证号", 64, identifier=True, required=True, column="required")
    note = TypedText("摘要", 500, load_default=None, allow_none=True, column="required")
    source = Source(
        "资金来源",
        load_default="fiscal",
        allow_none=True,
        column="optional",
        metadata={"description": "fiscal 财政资金 / other 其他资金（也可写“财政资金”“其他资金”）"},
    )
    refund_of = TypedText("原凭证号", 64, identifier=True, load_default=None, allow_none=True, column="optional")
    confirmed = Confirmation(
        "确认",
        load_default=False,
        allow_none=True,
        load_only=True,
        column="optional",
        metadata={
            "description": "我已核实，仍要保存：这笔支出使累计支付超过预算，或支付日期不在预算年度内时须为 true，"
            "否则拒绝保存（422，errors 中 confirmed 及 amount_yuan / date 说明原因）；导入文件可用“确认”列填“是”",
            "example": False,
        },
    )

    @validates_schema
    def refund_names_voucher(self, data: dict, **kwargs) -> None:
        """A negative amount (退款) names the voucher it refunds; a positive one names none."""
        amount, refund_of = data.get("amount"), data.get("refund_of")
        if amount is None:
            return
        if amount < 0 and not refund_of:
            raise ValidationError("退款（负数金额）须填写原凭证号", "refund_of")
        if amount > 0 and refund_of:
            raise ValidationError("正数金额不是退款，不应填写原凭证号", "refund_of")
        if refund_of and refund_of == data.get("voucher_no"):
            raise ValidationError("退款的原凭证号不能是它自己的凭证号", "refund_of")

    @post_load
    def make_payment(self, data: dict, **kwargs) -> PaymentData:
        """The plain dataclass the services take; a field given as nothing takes PaymentData's default."""
        given = {name: value for name, value in data.items() if value is not None}
        return PaymentData(**{"project_code": None, **given})


#: The stored fields of a payment: PaymentData's fields that are Payment columns, in the table's order.
STORED = tuple(
    column.key
    for column in Payment.__table__.columns
    if column.key in {name.name for name in dataclass_fields(PaymentData)}
)
_FIELDS = {field.attribute or name: field for name, field in PaymentSchema._declared_fields.items()}
#: The Chinese label of each stored field (audit entries, messages), from the schema.
LABELS = {name: _FIELDS[name].metadata["label"] for name in STORED}


def shown(name: str, value) -> str | None:
    """A stored field's value as an audit entry shows it: a date, 2-place money, a choice's label; None for nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return fmt2(value)
    return getattr(_FIELDS[name], "labels", {}).get(value, value)


_SCHEMA = PaymentSchema()


def load_payment(raw, partial: tuple[str, ...] = ()) -> PaymentData:
    """One payment as given (a form's strings, a file row, an API item); RuleError naming each field at fault."""
    try:
        return _SCHEMA.load(raw, partial=partial)
    except ValidationError as error:
        raise RuleError.from_marshmallow(error.messages) from None
