"""marshmallow fields for the API that answer in Chinese; decimals travel as strings, dates as ISO 8601."""

from datetime import UTC
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from perf.numbers import fmt2, plain

#: The largest id a database integer column holds.
MAX_ID = 2**31 - 1

REQUIRED = "必填"
NULL = "不能为空（null）"


def _messages(**extra: str) -> dict[str, str]:
    return {"required": REQUIRED, "null": NULL, "validator_failed": "取值无效", **extra}


class ApiSchema(Schema):
    """Every API schema: unknown keys refused, messages in Chinese."""

    error_messages = {"unknown": "未知字段", "type": "应为一个对象（键值对）"}  # noqa: RUF012


class Text(fields.String):
    """A string, trimmed; ``max_length`` and ``min_length`` give Chinese messages."""

    default_error_messages = _messages(invalid="应为文本", invalid_utf8="应为 UTF-8 文本")

    def __init__(self, *, max_length: int | None = None, min_length: int | None = None, **kwargs):
        validators = list(kwargs.pop("validate", None) or [])
        if min_length:
            message = "不能为空" if min_length == 1 else f"至少 {min_length} 个字符"
            validators.append(validate.Length(min=min_length, error=message))
        if max_length is not None:
            validators.append(validate.Length(max=max_length, error=f"最多 {max_length} 个字符"))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip()


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
        format="无法输出为日期",
    )


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


class DecimalString(fields.String):
    """An exact decimal given as a string ("28.00"); never a float. Loads to Decimal, dumps with two places."""

    default_error_messages = _messages(invalid='应为文本形式的数字，如 "28.00"')

    def __init__(self, *, integer_digits: int = 12, places: int = 2, **kwargs):
        self.integer_digits, self.places = integer_digits, places
        pattern = rf"^\d{{1,{integer_digits}}}(\.\d{{1,{places}}})?$"
        metadata = {"pattern": pattern, "example": "28.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f'“{text[:40]}”不是数字，应为如 "28.00" 的文本') from None
        if not number.is_finite() or number < 0:
            raise ValidationError("应为不小于 0 的数字")
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(f"最多 {self.places} 位小数")
        if number >= Decimal(10) ** self.integer_digits:
            raise ValidationError(f"整数部分最多 {self.integer_digits} 位")
        return number

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class Money(fields.String):
    """A Decimal shown with exactly two places ("28.00", "-500.00"); output only."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, metadata={"example": "28.00", **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return fmt2(value)


class Exact(fields.String):
    """A Decimal shown as its shortest exact string ("40", "32.9"); output only."""

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, metadata={"example": "95", **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)
