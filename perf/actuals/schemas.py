"""The one shape of an actual value as entered: the page's rows and the API's body load through it.

Limits are the columns': a value of up to 200 characters (``actual_value.value_text``), a note and
a 偏差原因 of up to 2,000. A note or a reason that is not given keeps what is stored; an empty one
clears it. The import's rows (``importer.ActualRowSchema``) are the same entry plus the columns
that find its indicator and date.
"""

from marshmallow import ValidationError

from perf.errors import RuleError
from perf.fields import PerfSchema, Text

#: actual_value.value_text is String(200); notes and reasons are TEXT, kept printable.
MAX_VALUE = 200
MAX_NOTE = 2000
MAX_REASON = 2000


class ActualEntrySchema(PerfSchema):
    """One indicator's 实际完成值 on a date, with its note and 偏差原因."""

    value = Text("实际完成值", MAX_VALUE, required=True, metadata={"description": "实际完成值，如 96%、7人"})
    note = Text("备注", MAX_NOTE, load_default=None, allow_none=True, metadata={"description": "备注"})
    reason = Text("偏差原因", MAX_REASON, load_default=None, allow_none=True, metadata={"description": "偏差原因"})


ENTRY = ActualEntrySchema()


def load_entry(raw) -> dict:
    """An entry as given; RuleError naming each field at fault."""
    try:
        return ENTRY.load(raw)
    except ValidationError as error:
        raise RuleError.from_marshmallow(error.messages) from None
