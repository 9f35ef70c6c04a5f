"""The marshmallow schema of one payment: an imported row, the entry form and (later) an API body load through it.

Loading yields a ``PaymentData``. What needs the database (voucher unique per project,
refunds, the budget year) is checked by ``services``; this module only reads what was
given, and says in Chinese what it could not read.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validates_schema

from perf.numbers import TWO_PLACES, fmt2, round2
from perf.projects.forms import FULL_WIDTH

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
DATE_HINT = "应为 2024-06-30、2024/6/30 或 2024年6月30日"

_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
#: A time after the date ("2024-06-30 00:00:00", as spreadsheets export dates) is dropped.
_TIME = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_AMOUNT = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")


def column(label: str, required: bool = False) -> dict:
    """Field metadata naming a file column: its Chinese header, and whether a file must have it."""
    return {"label": label, "column_required": required}


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


class Text(fields.Field):
    """A trimmed string; blank counts as missing. ``identifier`` also folds full-width forms (ＰＺ００１ -> PZ001)."""

    def __init__(self, label: str, max_length: int, identifier: bool = False, **kwargs):
        message = f"请填写{label}"
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"required": message, "null": message, **kwargs["error_messages"]}
        super().__init__(**kwargs)
        self.label, self.max_length, self.identifier = label, max_length, identifier

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(f"{self.label}应为文本")
        text = unicodedata.normalize("NFKC", value).strip() if self.identifier else value.strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        if len(text) > self.max_length:
            raise ValidationError(f"{self.label}最多 {self.max_length} 个字符")
        return text

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class DateText(fields.Field):
    """A date as people type it: ISO, 2024/6/30, 2024.6.30, 20240630, 2024年6月30日, or a date (from Excel).

    ``label`` names the field in the Chinese messages (支付日期, 日期). A blank cell is missing:
    an error when the field is required, else None.
    """

    #: A spreadsheet's date cells reach this field as dates (perf.documents.tabular).
    takes_dates = True

    def __init__(self, label: str, **kwargs):
        message = f"请填写{label}"
        kwargs["error_messages"] = {"required": message, "null": message, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)
        self.label = label

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise ValidationError(f"{self.label}格式不正确，{DATE_HINT}")
        text = _TIME.sub("", unicodedata.normalize("NFKC", value).strip())
        if not text:
            if self.required:
                raise self.make_error("required")
            return None
        return parse_date(text, self.label)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


def parse_date(text: str, label: str = "支付日期") -> date:
    """A date in one of the accepted forms; ValidationError (Chinese, naming ``label``) otherwise."""
    for pattern, groups in ((_DATE_SEPARATED, (1, 3, 4)), (_DATE_CHINESE, (1, 2, 3)), (_DATE_COMPACT, (1, 2, 3))):
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(match.group(g)) for g in groups)
            try:
                return date(year, month, day)
            except ValueError:
                raise ValidationError(f"{label} {text} 不存在") from None
    raise ValidationError(f"{label}“{text}”格式不正确，{DATE_HINT}")


class Yuan(fields.Field):
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
    if amount != amount.quantize(TWO_PLACES):
        raise ValidationError("金额最多 2 位小数（精确到分）")
    if amount == 0:
        raise ValidationError("金额不能为 0")
    if abs(amount) >= MAX_YUAN:
        raise ValidationError("金额超出范围（不超过 14 位整数）")
    return round2(amount)


class Source(fields.Field):
    """资金来源: 财政资金/其他资金 (or 财政/其他, fiscal/other); blank means 财政资金."""

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


class PaymentSchema(Schema):
    """One payment. Load with ``partial=("project_code",)`` when the project is known (a form, a project URL)."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "未知字段", "type": "应为一个对象（键值对）"}  # noqa: RUF012

    id = fields.Integer(dump_only=True)
    project_code = Text("项目编码", 40, identifier=True, required=True, metadata=column("项目编码", required=True))
    date = DateText("支付日期", required=True, attribute="paid_on", metadata=column("支付日期", required=True))
    amount_yuan = Yuan(required=True, attribute="amount", metadata=column("金额（元）", required=True))
    voucher_no = Text("凭证号", 64, identifier=True, required=True, metadata=column("凭证号", required=True))
    note = Text("摘要", 500, load_default=None, allow_none=True, metadata=column("摘要", required=True))
    source = Source(load_default="fiscal", allow_none=True, metadata=column("资金来源"))
    refund_of = Text("原凭证号", 64, identifier=True, load_default=None, allow_none=True, metadata=column("原凭证号"))

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
        """The plain dataclass the services take."""
        return PaymentData(
            project_code=data.get("project_code"),
            paid_on=data["paid_on"],
            amount=data["amount"],
            voucher_no=data["voucher_no"],
            source=data.get("source") or "fiscal",
            note=data.get("note") or "",
            refund_of=data.get("refund_of"),
        )
