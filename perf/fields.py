"""marshmallow fields that answer in Chinese, for every schema perf loads: service schemas, imported rows, API bodies.

Each field's messages are its own (``default_error_messages`` or built from its ``label``), so no
English text from marshmallow reaches a user and nothing translates messages afterwards. Decimals
travel as strings (never floats), dates as ISO 8601 or as people write them.
"""

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, missing, validate

from perf.db import MAX_ID
from perf.numbers import FULL_WIDTH, WAN_INTEGER_DIGITS, WAN_PLACES, fmt2, plain, wan_text

REQUIRED = "必填"
NULL = "不能为空（null）"
#: Messages every perf field has, whatever it reads.
CHINESE = {"required": REQUIRED, "null": NULL, "validator_failed": "取值无效"}

DATE_HINT = "应为 2024-06-30、2024/6/30 或 2024年6月30日"
_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
#: Every C0 and C1 control character (NUL, which PostgreSQL refuses, tab and line breaks included): what a
#: one-line value (a user name, a mail header) drops or refuses.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The control characters no text keeps: all but tab and line breaks; refused with a message, so both
#: engines answer alike.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: A time after the date ("2024-06-30 00:00:00", as spreadsheets export dates) is dropped.
_TIME = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def unsavable(text: str | None, label: str = "") -> str | None:
    """Why ``text`` cannot be saved as typed, or None: a control character (NUL, ESC …; tab and line breaks
    are fine), or the replacement character U+FFFD a browser or a decoder puts for bytes in another encoding.
    The one check of free text, for schema fields and the texts services take directly (reasons, comments)."""
    if not text:
        return None
    if _CONTROL.search(text):
        return f"{label}含有不能保存的控制字符（如 NUL），请删除后重新填写"
    if "\ufffd" in text:
        return f"{label}含有无法识别的字符“\ufffd”（多为文字编码有误），请删除后重新输入"
    return None


def visible(text: str) -> str:
    """``text`` with each control character shown as its symbol (NUL as ␀, ESC as ␛): a message that quotes
    what a file holds can be stored and shown, and says where the character is."""
    return _CONTROL.sub(lambda found: chr(0x2400 + ord(found.group())) if found.group() < " " else "␡", text)


def _messages(**extra: str) -> dict[str, str]:
    return {**CHINESE, **extra}


def _as_column(kwargs: dict, label: str | None) -> dict:
    """The field's ``label`` in its metadata; ``column="required"``/``"optional"`` makes it a file column.

    The tabular reader (perf.documents.tabular) maps a file's headers onto such columns by label, or by
    one of its ``synonyms`` (other headers exports use for the same column).
    """
    column = kwargs.pop("column", None)
    synonyms = kwargs.pop("synonyms", None)
    metadata = dict(kwargs.get("metadata", {}))
    if label:
        metadata.setdefault("label", label)
    if synonyms:
        metadata["synonyms"] = tuple(synonyms)
    if column is not None:
        if column not in ("required", "optional") or not label:
            raise ValueError("column must be 'required' or 'optional', and the field needs a label")
        metadata["column_required"] = column == "required"
    kwargs["metadata"] = metadata
    return kwargs


class Field(fields.Field):
    """A field of perf's own reading (amounts, sources …), with Chinese messages; ``label`` names it."""

    default_error_messages = _messages()

    def __init__(self, label: str | None = None, **kwargs):
        super().__init__(**_as_column(kwargs, label))
        self.label = label


class PerfSchema(Schema):
    """Every schema perf loads: unknown keys refused, messages in Chinese."""

    error_messages = {"unknown": "未知字段", "type": "应为一个对象（键值对）"}  # noqa: RUF012


class Text(fields.String):
    """A trimmed string.

    ``label`` names it in the messages ("请填写凭证号", "凭证号最多 64 个字符"); without one they are
    short ("必填", "最多 64 个字符"). ``blank_is_missing``: an empty or all-space string counts as not
    given (required -> an error, else None). ``identifier`` also folds full-width forms (ＰＺ００１ -> PZ001).
    """

    def __init__(
        self,
        label: str | None = None,
        max_length: int | None = None,
        *,
        min_length: int | None = None,
        identifier: bool = False,
        blank_is_missing: bool = False,
        **kwargs,
    ):
        self.label, self.identifier, self.blank_is_missing = label, identifier, blank_is_missing
        name = label or ""
        own = {"invalid": f"{name}应为文本", "invalid_utf8": f"{name}应为 UTF-8 文本"}
        if label:
            own |= {"required": f"请填写{label}", "null": f"请填写{label}"}
        kwargs["error_messages"] = {**own, **kwargs.get("error_messages", {})}
        _as_column(kwargs, label)
        validators = list(kwargs.pop("validate", None) or [])
        if min_length:
            message = "不能为空" if min_length == 1 else f"{name}至少 {min_length} 个字符"
            validators.append(validate.Length(min=min_length, error=message))
        if max_length is not None:
            validators.append(validate.Length(max=max_length, error=f"{name}最多 {max_length} 个字符"))
        super().__init__(validate=validators, **kwargs)

    default_error_messages = _messages()

    def _validate(self, value) -> None:
        if value is not None:  # a blank that counts as missing has nothing to check
            super()._validate(value)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        refused = unsavable(text, self.label or "")
        if refused:
            raise ValidationError(refused)
        text = unicodedata.normalize("NFKC", text).strip() if self.identifier else text.strip()
        if self.blank_is_missing and not text:
            if self.required:
                raise self.make_error("required")
            return None
        return text


class TypedText(Text):
    """Text as people type it in a form or a file cell: blank counts as not given."""

    def __init__(self, label: str, max_length: int, **kwargs):
        super().__init__(label, max_length, blank_is_missing=True, **kwargs)


class Choice(Text):
    """One of a fixed set of codes."""

    def __init__(self, choices, **kwargs):
        message = "应为以下之一：" + "、".join(choices)
        super().__init__(validate=[validate.OneOf(choices, error=message)], **kwargs)


class Int(fields.Integer):
    """An integer in [minimum, maximum]."""

    default_error_messages = _messages(invalid="应为整数", too_large="数值过大")

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, **kwargs):
        validators = list(kwargs.pop("validate", None) or [])
        if minimum is not None or maximum is not None:
            validators.append(validate.Range(min=minimum, max=maximum, error=_range_message(minimum, maximum)))
        super().__init__(validate=validators, **kwargs)

    def _validated(self, value):
        # int() reads "١٢" (Arabic-Indic) and full-width digits as 12: an id or a count is written in ASCII
        if isinstance(value, str) and not value.strip().lstrip("+-").isascii():
            raise self.make_error("invalid")
        return super()._validated(value)


def _range_message(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"应在 {minimum} 到 {maximum} 之间"
    return f"不能小于 {minimum}" if minimum is not None else f"不能大于 {maximum}"


def Id(**kwargs) -> Int:
    """A database id."""
    return Int(minimum=1, maximum=MAX_ID, **kwargs)


def Year(**kwargs) -> Int:
    """A budget year."""
    return Int(minimum=2000, maximum=2999, **kwargs)


class Flag(fields.Boolean):
    """true / false."""

    default_error_messages = _messages(invalid="应为 true 或 false")


class Day(fields.Date):
    """A date as ISO 8601 (2024-07-01)."""

    default_error_messages = _messages(
        invalid="日期格式应为 YYYY-MM-DD（如 2024-07-01）",
        invalid_awareness="日期格式应为 YYYY-MM-DD（如 2024-07-01）",
        format="无法输出为日期",
    )


class DateText(Field):
    """A date as people type it: ISO, 2024/6/30, 2024.6.30, 20240630, 2024年6月30日, or a date (from Excel).

    ``label`` names the field in the Chinese messages (支付日期, 日期). A blank cell is missing:
    an error when the field is required, else None.
    """

    #: A spreadsheet's date cells reach this field as dates (perf.documents.tabular).
    takes_dates = True

    def __init__(self, label: str, **kwargs):
        message = f"请填写{label}"
        kwargs["error_messages"] = {"required": message, "null": message, **kwargs.get("error_messages", {})}
        super().__init__(label, **kwargs)

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


def parse_date(text: str, label: str) -> date:
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


class Moment(fields.DateTime):
    """A moment as ISO 8601 with its offset (UTC as stored; SQLite's naive values are UTC too)."""

    default_error_messages = _messages(invalid="时间格式应为 ISO 8601")

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Items(fields.List):
    """A list of one kind of item."""

    default_error_messages = _messages(invalid="应为数组（列表）")


class Obj(fields.Nested):
    """A nested object."""

    default_error_messages = _messages(type="应为一个对象（键值对）")


class Number(Field):
    """An exact, non-negative decimal as people type it: "28.00", "1,280", full-width "３０", or a JSON integer.

    Never a float (a JSON 0.1 is refused: it cannot be held exactly). ``percent`` also takes a
    trailing "%". A blank string counts as not given: an error when required, else the field's
    ``load_default`` (or None). Dumps with two places ("28.00").
    """

    def __init__(self, label: str | None = None, *, places: int = 2, integer_digits: int = 12, percent=False, **kw):
        self.places, self.integer_digits, self.percent = places, integer_digits, percent
        if label:
            wanted = f"请填写{label}"
            kw["error_messages"] = {"required": wanted, "null": wanted, **kw.get("error_messages", {})}
        pattern = rf"^\d{{1,{integer_digits}}}(\.\d{{1,{places}}})?$"
        kw["metadata"] = {"pattern": pattern, "example": "28.00", **kw.get("metadata", {})}
        super().__init__(label, **kw)

    #: For ``load_default``: no amount given.
    ZERO = Decimal(0)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValidationError('应为文本形式的数字，如 "28.00"')
        text = str(value).strip().translate(FULL_WIDTH).replace(",", "").replace(" ", "")
        if self.percent:
            text = text.removesuffix("%")
        if not text:
            if self.required:
                raise self.make_error("required")
            return None if self.load_default is missing else self.load_default
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError("请输入数字") from None
        if not number.is_finite():
            raise ValidationError("请输入数字")
        if number.as_tuple().exponent < -self.places:
            raise ValidationError(f"最多 {self.places} 位小数")
        if number < 0:
            raise ValidationError("不能为负数")
        if number >= Decimal(10) ** self.integer_digits:
            raise ValidationError(f"整数部分最多 {self.integer_digits} 位")
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class WanAmount(Number):
    """An amount in 万元, exact to the 分: up to six places ("330.984" is 3,309,840.00 元) and nine digits
    before the point. Dumps with two places when that is exact ("28.00"), else every place it has."""

    def __init__(self, label: str | None = None, *, integer_digits: int = WAN_INTEGER_DIGITS, **kw):
        super().__init__(label, places=WAN_PLACES, integer_digits=integer_digits, **kw)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal | None:
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            if error.messages == [f"最多 {WAN_PLACES} 位小数"]:
                raise ValidationError(f"以万元计最多 {WAN_PLACES} 位小数（即精确到分）") from None
            raise

    def _serialize(self, value, attr, obj, **kwargs):
        return wan_text(value)


class Money(fields.String):
    """A Decimal shown with exactly two places ("28.00", "-500.00"); output only."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, metadata={"example": "28.00", **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class WanMoney(Money):
    """A stored 万元 amount: two places where that is exact ("28.00"), else every place it has ("330.984")."""

    def _serialize(self, value, attr, obj, **kwargs):
        return wan_text(value)


class Exact(fields.String):
    """A Decimal shown as its shortest exact string ("40", "32.9"); output only."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, metadata={"example": "95", **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)
