"""The one shape of the owner's self-evaluation entries: the 绩效自评 page's form and the API's body load through it.

Each indicator's 分值 (weight), 定性 band and score and 偏差原因分析及改进措施; the 实际完成情况 and,
when they differ from the table, the 全年预算数 and 上年结转资金 (万元). What needs the table and the
scoring settings (every indicator once, the weight and band limits) is checked by the service.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from marshmallow import ValidationError, post_load

from perf.errors import RuleError
from perf.fields import Id, Items, Number, Obj, PerfSchema, Text, TypedText, WanAmount

#: Text limits (the columns are TEXT; these keep a 自评表 printable).
MAX_OUTCOME = 2000
MAX_REASON = 1000
#: Numbers are refused past this many integer digits before the service's own limits speak.
DIGITS = 12


@dataclass(frozen=True)
class RowData:
    """What the owner entered for one indicator."""

    indicator_id: int
    weight: Decimal | None
    band: str | None = None
    band_score: Decimal | None = None
    reason: str = ""


@dataclass(frozen=True)
class EvaluationData:
    """The owner's entries as loaded."""

    outcome: str
    rows: tuple[RowData, ...]
    full_year_budget: Decimal | None = None
    carried_over: Decimal | None = None


class RowEntrySchema(PerfSchema):
    """One indicator's entries."""

    indicator_id = Id(required=True)
    weight = Number("分值", integer_digits=DIGITS, required=True, metadata={"description": '分值，如 "12.50"'})
    band = TypedText("评价档次", 40, allow_none=True, load_default=None, metadata={"description": "定性指标的评价档次"})
    band_score = Number("得分", integer_digits=DIGITS, allow_none=True, load_default=None)
    reason = Text("偏差原因分析及改进措施", MAX_REASON, load_default="")


class EntriesSchema(PerfSchema):
    """The owner's part of the 自评表; every indicator of the project once."""

    outcome = Text("实际完成情况", MAX_OUTCOME, load_default="")
    # Too large an amount is a rule of the save (workflow._check), reported with every other problem.
    full_year_budget = WanAmount("全年预算数", integer_digits=24, allow_none=True, load_default=None)
    carried_over = WanAmount("上年结转资金", integer_digits=24, allow_none=True, load_default=None)
    rows = Items(Obj(RowEntrySchema), required=True)

    @post_load
    def as_data(self, data: dict, **kwargs) -> EvaluationData:
        rows = tuple(RowData(**row) for row in data["rows"])
        return EvaluationData(data["outcome"], rows, data["full_year_budget"], data["carried_over"])


def load_entries(raw) -> EvaluationData:
    """The entries as given; RuleError naming each field at fault (``rows.3.weight``)."""
    try:
        return EntriesSchema().load(raw)
    except ValidationError as error:
        raise RuleError.from_marshmallow(error.messages) from None


def load_entries_leniently(raw) -> tuple[EvaluationData | None, RuleError | None]:
    """(the entries, None), or, when some fields cannot be read, (the rest of the entries, the error).

    The rest has each field at fault at its default (a weight at fault: None), so the service can
    check everything else in the same save and the form shows every problem at once, not in
    rounds. None when even that cannot be read (the rows are not a list …).
    """
    try:
        return load_entries(raw), None
    except RuleError as error:
        refused = error
    faulty = set(refused.errors)
    if not isinstance(raw, dict) or not isinstance(raw.get("rows"), list | tuple):
        return None, refused
    rest = {key: value for key, value in raw.items() if key not in faulty}
    rows, unweighted = [], set()
    for index, row in enumerate(raw["rows"]):
        bad = {path.rpartition(".")[2] for path in faulty if path.startswith(f"rows.{index}.")}
        if not isinstance(row, dict) or "indicator_id" in bad:
            return None, refused
        kept = {key: value for key, value in row.items() if key not in bad}
        if "weight" in bad:  # a placeholder the schema reads; the row's weight is None below
            unweighted.add(index)
            kept["weight"] = "0"
        rows.append(kept)
    try:
        data = load_entries({**rest, "rows": rows})
    except RuleError:
        return None, refused
    rows = tuple(replace(row, weight=None) if i in unweighted else row for i, row in enumerate(data.rows))
    return replace(data, rows=rows), refused
