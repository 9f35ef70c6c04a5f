"""Actual values (实际完成值): the rules an entry must meet, writing one, and reading the latest.

An actual is parsed like a target (``96%``, ``7人``, ``27.5万元``). A quantitative target needs
a quantitative actual in a unit that compares with the target's (元 and 万元 convert; a bare
number takes the target's unit); a 定性 target takes any text, since a reviewer scores it by
band. Services flush; the caller commits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from perf.actuals.models import ActualValue
from perf.audit.services import record
from perf.evaluation.models import SelfEvaluation
from perf.extensions import db
from perf.org.models import BudgetYear
from perf.projects.indicator_value import Kind, parse_value
from perf.projects.models import Indicator, Project
from perf.units import unit_mismatch

#: ActualValue.value_text is String(200).
MAX_TEXT = 200
#: ActualValue.number is Numeric(24, 6): at most 18 digits before the point.
MAX_DIGITS = 18


class ActualRuleError(ValueError):
    """An actual value that breaks the rules; ``messages`` are in Chinese."""

    def __init__(self, messages: list[str]):
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class CheckedActual:
    """What will be stored: the text as typed and, for a quantitative target, its number and unit."""

    value_text: str
    number: Decimal | None
    unit: str | None
    kind: str


def check_actual(indicator: Indicator, value_text: str | None) -> CheckedActual:
    """The actual as it will be stored, or ActualRuleError with every rule it breaks."""
    text = (value_text or "").strip()
    if not text:
        raise ActualRuleError(["请填写实际完成值"])
    if len(text) > MAX_TEXT:
        raise ActualRuleError([f"实际完成值最多 {MAX_TEXT} 个字符"])
    if indicator.kind == Kind.QUALITATIVE:
        return CheckedActual(text, None, None, Kind.QUALITATIVE.value)
    parsed = parse_value(text)
    target = indicator.value_text
    if parsed.kind is Kind.QUALITATIVE:
        message = f"年度指标值“{target}”是定量指标，实际完成值应为一个数（如 96% 或 7人），不能是“{text}”"
        raise ActualRuleError([message])
    messages = []
    if parsed.number is not None and parsed.number.adjusted() >= MAX_DIGITS:
        raise ActualRuleError([f"实际完成值中的数字过大（整数部分最多 {MAX_DIGITS} 位）"])
    if parsed.comparator is not None:
        messages.append(f"实际完成值应为实际达到的数，不带“{parsed.comparator}”等比较符号")
    unit = parsed.unit or indicator.unit
    mismatch = unit_mismatch(indicator.unit, unit)
    if mismatch:
        messages.append(f"{mismatch}（年度指标值为“{target}”）")
    if messages:
        raise ActualRuleError(messages)
    return CheckedActual(text, parsed.number, unit, Kind.QUANTITATIVE.value)


def budget_year_of(indicator: Indicator) -> int:
    """The budget year of the indicator's project."""
    query = select(BudgetYear.year).join(Project, Project.year_id == BudgetYear.id)
    return db.session.scalar(query.where(Project.id == indicator.project_id))


def check_date(as_of: date, year: int) -> None:
    """An actual's date lies in its project's budget year (a typed 2042 is a typo, not a plan)."""
    if as_of.year != year:
        raise ActualRuleError([f"日期 {as_of.isoformat()} 不在 {year} 预算年度内"])


def check_unlocked(project_id: int) -> None:
    """A submitted or signed self-evaluation freezes the project's actual values until it is reopened."""
    evaluation = db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.project_id == project_id))
    if evaluation is not None and evaluation.locked:
        raise ActualRuleError([f"绩效自评{evaluation.status_label}，实际完成值已锁定（退回或重新打开后才能修改）"])


def stored_actual(indicator_id: int, as_of: date) -> ActualValue | None:
    """The stored actual of one indicator on one date."""
    query = select(ActualValue).where(ActualValue.indicator_id == indicator_id, ActualValue.as_of == as_of)
    return db.session.scalar(query)


def set_actual(
    indicator: Indicator,
    value_text: str,
    as_of: date,
    actor: str,
    note: str | None = "",
    reason: str | None = "",
) -> ActualValue:
    """Insert or update the actual of ``indicator`` on ``as_of``; ``None`` for note/reason keeps the stored one.

    Raises ActualRuleError (nothing written). Writing the same content again changes nothing and
    records no audit entry.
    """
    checked = check_actual(indicator, value_text)
    check_date(as_of, budget_year_of(indicator))
    check_unlocked(indicator.project_id)
    row = stored_actual(indicator.id, as_of)
    before = _content(row)
    if row is None:
        row = ActualValue(indicator_id=indicator.id, as_of=as_of, note="", reason="")
        db.session.add(row)
    row.value_text, row.number, row.unit, row.kind = checked.value_text, checked.number, checked.unit, checked.kind
    if note is not None:
        row.note = note.strip()
    if reason is not None:
        row.reason = reason.strip()
    after = _content(row)
    if after != before:
        row.entered_by = actor
        _audit(indicator, as_of, actor, before, after)
    db.session.flush()
    return row


def set_actuals(project: Project, as_of: date, entries: list[tuple[int, str, str, str]], actor: str) -> int:
    """Write several actuals of one project on one date, all or nothing; returns how many changed.

    ``entries`` are (indicator id, value, note, reason); an empty value is skipped. Raises
    ActualsError with the messages keyed by the entry's position (the caller rolls back).
    """
    indicators = {indicator.id: indicator for indicator in project.indicators}
    problems: dict[int, list[str]] = {}
    changed = 0
    for position, (indicator_id, value, note, reason) in enumerate(entries):
        indicator = indicators.get(indicator_id)
        if indicator is None:
            problems[position] = ["指标不属于本项目，请刷新页面"]
            continue
        if not (value or "").strip():
            continue
        if same_content(stored_actual(indicator.id, as_of), value, note, reason):
            continue
        try:
            set_actual(indicator, value, as_of, actor, note, reason)
        except ActualRuleError as error:
            problems[position] = error.messages
        else:
            changed += 1
    if problems:
        raise ActualsError(problems)
    return changed


class ActualsError(ValueError):
    """Some rows of a multi-row entry were refused: position -> Chinese messages."""

    def __init__(self, problems: dict[int, list[str]]):
        super().__init__("；".join(m for found in problems.values() for m in found))
        self.problems = problems


def same_content(row: ActualValue | None, value_text: str, note: str | None, reason: str | None) -> bool:
    """True when writing these would change nothing (``None``: that field is kept)."""
    if row is None or row.value_text != value_text.strip():
        return False
    return (note is None or row.note == note.strip()) and (reason is None or row.reason == reason.strip())


def _content(row: ActualValue | None) -> tuple[str | None, str, str]:
    return (None, "", "") if row is None else (row.value_text, row.note or "", row.reason or "")


def _audit(indicator: Indicator, as_of: date, actor: str, before: tuple, after: tuple) -> None:
    """One ``actual.set`` entry on the project, with the value (and note, reason) before and after."""
    changes = {f"{indicator.name}实际完成值": [before[0], after[0]]}
    for index, label in ((1, "备注"), (2, "偏差原因")):
        if before[index] != after[index]:
            changes[f"{indicator.name}{label}"] = [before[index], after[index]]
    shown = before[0] if before[0] is not None else "（无）"
    summary = f"实际完成值 {indicator.name}（{as_of.isoformat()}）：{shown} → {after[0]}"
    record(actor, "actual.set", "project", indicator.project_id, summary, changes)


def latest_actuals(project: Project, as_of: date) -> dict[int, ActualValue]:
    """Indicator id -> its latest actual on or before ``as_of``, in one query."""
    query = (
        select(ActualValue)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .where(Indicator.project_id == project.id, ActualValue.as_of <= as_of)
        .order_by(ActualValue.indicator_id, ActualValue.as_of)
    )
    # Ordered by date, so each indicator's later rows overwrite its earlier ones.
    return {row.indicator_id: row for row in db.session.scalars(query)}
