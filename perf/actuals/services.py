"""Actual values (实际完成值): the rules an entry must meet, writing one, and reading the latest.

An actual is parsed like a target (``96%``, ``7人``, ``27.5万元``). A quantitative target needs
a quantitative actual in a unit that compares with the target's (元 and 万元 convert; a bare
number takes the target's unit); a 定性 target takes any text, since a reviewer scores it by
band. Services flush; the boundary commits.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from perf import tunables
from perf.actuals.models import ActualValue
from perf.actuals.schemas import MAX_VALUE, load_entry
from perf.audit.services import record
from perf.db import among, is_unique_violation
from perf.errors import Problems, RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.projects.indicator_value import Kind, parse_value
from perf.projects.keepers import row_keeper
from perf.projects.models import Indicator, Project
from perf.units import unit_mismatch
from perf.versions import claim, claim_many
from perf.workflow import locks

#: ActualValue.number is Numeric(24, 6): at most 18 digits before the point.
MAX_DIGITS = 18


@dataclass(frozen=True)
class CheckedActual:
    """What will be stored: the text as typed and, for a quantitative target, its number and unit."""

    value_text: str
    number: Decimal | None
    unit: str | None
    kind: str


def actual_problems(indicator: Indicator, value_text: str | None, label: str = "实际完成值", verb: str = "实际达到"):
    """(the value as it will be stored, or None; the Chinese messages of every rule it breaks).

    ``label`` names the value in the messages (实际完成值, 1–7月执行情况, 全年预计完成情况) and
    ``verb`` says what its number is (实际达到, 预计达到).
    """
    text = (value_text or "").strip()
    if not text:
        return None, [f"请填写{label}"]
    if len(text) > MAX_VALUE:
        return None, [f"{label}最多 {MAX_VALUE} 个字符"]
    if refused := unsavable(text, label):
        return None, [refused]
    if indicator.kind == Kind.QUALITATIVE:
        return CheckedActual(text, None, None, Kind.QUALITATIVE.value), []
    parsed = parse_value(text, None, tunables.get("extra_units"))
    target = indicator.value_text
    if parsed.kind is Kind.QUALITATIVE:
        return None, [f"年度指标值“{target}”是定量指标，{label}应为一个数（如 96% 或 7人），不能是“{text}”"]
    if parsed.number is not None and parsed.number.adjusted() >= MAX_DIGITS:
        return None, [f"{label}中的数字过大（整数部分最多 {MAX_DIGITS} 位）"]
    messages = []
    if parsed.comparator is not None:
        messages.append(f"{label}应为{verb}的数，不带“{parsed.comparator}”等比较符号")
    unit = parsed.unit or indicator.unit
    mismatch = unit_mismatch(indicator.unit, unit, label)
    if mismatch:
        messages.append(f"{mismatch}（年度指标值为“{target}”）")
    if messages:
        return None, messages
    return CheckedActual(text, parsed.number, unit, Kind.QUANTITATIVE.value), []


def check_actual(indicator: Indicator, value_text: str | None) -> CheckedActual:
    """The actual as it will be stored, or RuleError (path ``value``) with every rule it breaks."""
    checked, messages = actual_problems(indicator, value_text)
    if messages:
        raise RuleError({"value": messages})
    return checked


def check_date(as_of: date, year: int) -> None:
    """An actual's date lies in its project's budget year (a typed 2042 is a typo, not a plan)."""
    if as_of.year != year:
        raise RuleError({"as_of": [f"日期 {as_of.isoformat()} 不在 {year} 预算年度内"]})


def check_unlocked(project_id: int) -> None:
    """A submitted or signed self-evaluation freezes the project's actual values until it is reopened."""
    message = locks.held(project_id, "actuals")
    if message:
        raise RuleError(message, "conflict")


def stored_actual(indicator_id: int, as_of: date) -> ActualValue | None:
    """The stored actual of one indicator on one date."""
    query = select(ActualValue).where(ActualValue.indicator_id == indicator_id, ActualValue.as_of == as_of)
    return db.session.scalar(query)


def stored_on(project: Project, as_of: date) -> dict[int, ActualValue]:
    """Indicator id -> its actual stored on exactly ``as_of``, for the whole project in one query."""
    query = (
        select(ActualValue)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .where(Indicator.project_id == project.id, ActualValue.as_of == as_of)
    )
    return {row.indicator_id: row for row in db.session.scalars(query)}


def stored_versions(project: Project, as_of: date) -> dict[int, int]:
    """Indicator id -> the version of its actual stored on ``as_of`` (as committed now)."""
    query = (
        select(ActualValue.indicator_id, ActualValue.lock_version)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .where(Indicator.project_id == project.id, ActualValue.as_of == as_of)
    )
    return {indicator_id: version for indicator_id, version in db.session.execute(query)}


def set_actual(
    indicator: Indicator,
    value_text: str,
    as_of: date,
    actor: str,
    note: str | None = "",
    reason: str | None = "",
) -> ActualValue:
    """Insert or update the actual of ``indicator`` on ``as_of``; ``None`` for note/reason keeps the stored one.

    Raises RuleError (nothing written). Writing the same content again changes nothing and
    records no audit entry.
    """
    checked = check_actual(indicator, value_text)
    check_date(as_of, indicator.project.budget_year.year)
    check_unlocked(indicator.project_id)
    row = stored_actual(indicator.id, as_of)
    if row is not None and not same_content(row, checked.value_text, note, reason):
        claim(row, None, stale_message(indicator, row))  # of two saves that read this version, the first wins
    row = _write(indicator, row, as_of, checked, note, reason, actor)
    _flush_new_rows()
    return row


def set_actuals(project: Project, as_of: date, entries: list[dict], actor: str) -> int:
    """Write several actuals of one project on one date, all or nothing; returns how many changed.

    ``entries`` are ``{"indicator_id", "value", "note", "reason"}`` as typed; an empty value is
    skipped. Every problem is raised at once, at ``rows.<position>.<field>``. A fixed number of
    queries, whatever the number of rows.
    """
    check_date(as_of, project.budget_year.year)
    indicators = {indicator.id: indicator for indicator in project.indicators}
    stored = stored_on(project, as_of)
    problems, stale, changes = Problems(), Problems(), []
    for position, raw in enumerate(entries):
        where = f"rows.{position}"
        indicator = indicators.get(raw.get("indicator_id"))
        if indicator is None:
            problems.add(f"{where}.value", "指标不属于本项目，请刷新页面")
            continue
        try:
            entry = load_entry({key: raw.get(key) or "" for key in ("value", "note", "reason")})
        except RuleError as error:
            problems.merge(error, where)
            continue
        row = stored.get(indicator.id)
        if not entry["value"] or same_content(row, entry["value"], entry["note"], entry["reason"]):
            continue
        expected = raw.get("version")
        if expected is not None and expected != (row.lock_version if row else 0):
            stale.add(f"{where}.value", stale_message(indicator, row))
            continue
        checked, messages = actual_problems(indicator, entry["value"])
        problems.add(f"{where}.value", *messages)
        changes.append((where, indicator, row, checked, entry))
    if stale:
        headline = STALE_ROWS.format(n=len(stale.errors))
        stale.merge(RuleError(problems.errors))
        stale.add("", headline)
        stale.raise_if_any("stale", headline)
    problems.raise_if_any()
    if changes:
        check_unlocked(project.id)
    # compare-and-set: of two saves that read the same versions, the one that writes first wins
    stored_rows = [row for _where, _indicator, row, _checked, _entry in changes if row is not None]
    claim_many(stored_rows, STALE_ROWS.format(n=1))
    for _where, indicator, row, checked, entry in changes:
        _write(indicator, row, as_of, checked, entry["note"], entry["reason"], actor)
    _flush_new_rows()
    return len(changes)


#: The banner of a save with rows another person changed meanwhile.
STALE_ROWS = "有 {n} 处实际完成值在您打开页面后已被他人修改，全部未保存；您填写的内容已保留，核对后可再次保存"


def stale_message(indicator: Indicator, row: ActualValue | None) -> str:
    """What a row saved from an older read is told: what is stored now."""
    if row is None:
        return f"“{indicator.name}”的实际完成值已被他人删除，请核对后再保存"
    by = f"（{row.entered_by}）" if row.entered_by else ""
    return f"“{indicator.name}”的实际完成值在您打开后已被他人改为“{row.value_text}”{by}，本行未保存，请核对后再保存"


def _flush_new_rows() -> None:
    """Flush; a value another save stored first on the same indicator and date (the unique key) is a stale save."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise RuleError(STALE_ROWS.format(n=1), "stale") from error


def _write(indicator, row, as_of, checked: CheckedActual, note, reason, actor) -> ActualValue:
    """Insert or update one actual (rules checked); audit it when its content changed."""
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
    return row


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


def actuals_of(project: Project) -> list[ActualValue]:
    """Every actual value of the project, by indicator and date (one query)."""
    query = (
        select(ActualValue)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .where(Indicator.project_id == project.id)
        .order_by(Indicator.position, ActualValue.as_of)
    )
    return list(db.session.scalars(query))


def latest_actuals(project: Project, as_of: date) -> dict[int, ActualValue]:
    """Indicator id -> its latest actual on or before ``as_of``, in one query."""
    return latest_actuals_of([project.id], as_of)


def latest_actuals_of(project_ids, as_of: date) -> dict[int, ActualValue]:
    """Indicator id -> its latest actual on or before ``as_of``, for many projects in one query."""
    query = (
        select(ActualValue)
        .join(Indicator, Indicator.id == ActualValue.indicator_id)
        .where(among(db.session, Indicator.project_id, project_ids), ActualValue.as_of <= as_of)
        .order_by(ActualValue.indicator_id, ActualValue.as_of)
    )
    # Ordered by date, so each indicator's later rows overwrite its earlier ones.
    return {row.indicator_id: row for row in db.session.scalars(query)}


@row_keeper
def _recorded_actuals(indicator_ids) -> dict[int, str]:
    """Indicators with actual values: a replace that drops one asks first (perf.projects.keepers)."""
    query = (
        select(ActualValue.indicator_id, func.count())
        .where(ActualValue.indicator_id.in_(list(indicator_ids)))
        .group_by(ActualValue.indicator_id)
    )
    return {indicator_id: f"实际完成值 {count} 条" for indicator_id, count in db.session.execute(query)}
