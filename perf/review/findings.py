"""The vocabulary of automatic target review: findings, the rules' input and the catalogue registry."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from perf.projects.indicator_value import Kind, ParsedValue, parse_value
from perf.projects.indicators import is_cost
from perf.review.rule_helpers import (
    compact,
)


class Severity(StrEnum):
    """An error blocks submission; a warning is shown to the reviewer but does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem: the rule that found it, and the row (None: the whole table)."""

    rule: str
    severity: Severity
    #: Chinese, naming the row: "第3行“采购有效质疑率”：…".
    message: str
    #: The 三级 name; None for the whole table (or a row without a name).
    indicator: str | None
    #: 1-based row number in the indicator table; None for the whole table.
    position: int | None


@dataclass(frozen=True)
class RowInput:
    """One indicator row as the rules see it."""

    position: int
    level1: str
    level2: str
    name: str
    value: str
    basis: str
    description: str = ""
    #: A separate unit column, used only when ``value`` carries no unit (``=100`` | 万元).
    unit: str | None = None


@dataclass(frozen=True)
class TableInput:
    """One 绩效目标表: 预算数 (万元), cumulative plan percents, scheme ("2020"/"2021"), rows."""

    total: Decimal | None
    plan: list[tuple[str, Decimal]]
    scheme: str
    rows: list[RowInput]
    #: Units the admin added (系统设置 extra_units), read by the 指标值 parser beside its list.
    extra_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A named check of the catalogue."""

    id: str
    severity: Severity
    title: str
    check: Callable[[TableInput], list[Finding]]


#: What a rule body yields: the row at fault (None: the whole table) and the message body.
Hit = tuple[RowInput | None, str]

RULES: list[Rule] = []


def register(rule_id: str, severity: Severity, title: str):
    """Register a rule body (yielding Hits) in RULES as a check returning Findings."""

    def register(find: Callable[[TableInput], Iterable[Hit]]):
        def check(table: TableInput) -> list[Finding]:
            return [finding(rule_id, severity, row, text) for row, text in find(table)]

        check.__name__, check.__doc__ = find.__name__, find.__doc__
        RULES.append(Rule(rule_id, severity, title, check))
        return check

    return register


def finding(rule_id: str, severity: Severity, row: RowInput | None, text: str) -> Finding:
    """A Finding whose message starts with the row it names."""
    if row is None:
        return Finding(rule_id, severity, text, None, None)
    name = row.name.strip()
    where = f"第{row.position}行“{name}”：" if name else f"第{row.position}行："
    return Finding(rule_id, severity, where + text, name or None, row.position)


def parsed(row: RowInput, extra_units: tuple[str, ...] = ()) -> ParsedValue:
    """The row's 指标值, parsed once per rule by the shared parser."""
    return parse_value(row.value, row.unit, extra_units)


def rows_with_value(table: TableInput) -> Iterator[tuple[RowInput, ParsedValue]]:
    """Rows that have a 指标值 (empty ones are the empty-value rule's), with it parsed."""
    for row in table.rows:
        if row.value.strip():
            yield row, parsed(row, table.extra_units)


def cost_targets(table: TableInput) -> Iterator[tuple[RowInput, ParsedValue]]:
    """Quantitative rows under 成本 (二级 in 2020, 一级 in 2021)."""
    for row, parsed in rows_with_value(table):
        if is_cost(compact(row.level1), compact(row.level2)) and parsed.kind is Kind.QUANTITATIVE:
            yield row, parsed


# Structure: the indicator scheme -----------------------------------------------------
