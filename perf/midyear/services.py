"""Saving the owner's part of the 监控表: 1–7月执行情况, 全年预计, 可能性, 偏差原因, 纠偏措施.

Rules (Chinese messages per indicator and field):

* A row left entirely blank (no 全年预计, 可能性, 偏差原因 or 纠偏措施) is "not filled yet" and
  is not checked, so an owner can fill the table over several sittings; a stored entry whose
  row is cleared is cleared too. A row with anything in it needs 全年预计完成情况 and 完成目标可能性.
* 全年预计完成情况 of a quantitative target is read like an actual (``check_actual``): one number
  in a unit that compares with the target's. A 定性 target takes any text.
* 偏差原因 and 纠偏措施 are required when the row's light (with the 1–7月 value as typed) is red
  or yellow, or the likelihood is 有可能 / 完全不可能.
* 1–7月执行情况, when typed and different from the latest actual on or before the round date, is
  stored as the actual on the round date through ``set_actual`` (its own ``actual.set`` audit
  entry); a blank field keeps what is stored.
* All or nothing: every row is checked before anything is written, and every problem is raised
  at once (``entries.<position>.<field>``). One ``midyear.set`` audit entry per indicator whose
  entry changed. Services flush; the boundary commits.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from perf.actuals.models import ActualValue
from perf.actuals.services import actual_problems, latest_actuals, set_actual
from perf.audit.services import record
from perf.errors import Problems, RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.midyear import lights
from perf.midyear.models import CAUSE_LABELS, CAUSES, LIKELIHOOD_LABELS, MonitoringEntry
from perf.midyear.queries import entries_of, light_of
from perf.projects.indicator_value import Kind
from perf.projects.keepers import row_keeper
from perf.projects.models import Indicator, Project

#: MonitoringEntry.forecast_text is String(200).
MAX_FORECAST = 200
MAX_MEASURES = 2000


@dataclass
class EntryData:
    """One row as typed; ``actual`` None: the field was not on the form."""

    indicator_id: int
    actual: str | None = None
    forecast: str = ""
    likelihood: str | None = None
    causes: list[str] = field(default_factory=list)
    measures: str = ""
    #: The actual the page showed in the 1–7月 box ("<id>:<version>", "0" for none; None: not said). A
    #: different value typed over one changed since is refused, so nobody's correction is written back.
    actual_shown: str | None = None


def shown_actual(actual: ActualValue | None) -> str:
    """What a row's hidden input says of the actual it showed."""
    return f"{actual.id}:{actual.lock_version}" if actual is not None else "0"


@dataclass
class _Checked:
    position: int
    indicator: Indicator
    data: EntryData
    new_actual: bool


def save_entries(project: Project, round_on: date, entries: list[EntryData], actor: str) -> int:
    """Check every row, then write; returns how many indicators changed.

    A RuleError (paths ``entries.<position>.<field>``, the form as a whole at ``""``) writes nothing.
    """
    indicators = {indicator.id: indicator for indicator in project.indicators}
    latest = latest_actuals(project, round_on)
    months = lights.months_elapsed(round_on, project.budget_year.year)
    errors = Problems()
    checked: list[_Checked] = []
    seen: set[int] = set()
    stale = False
    for position, data in enumerate(entries):
        indicator = indicators.get(data.indicator_id)
        if indicator is None or data.indicator_id in seen:
            errors.add("", "提交的指标与本项目不符，请刷新页面后重新填写")
            continue
        seen.add(indicator.id)
        problems, new_actual = check_row(indicator, data, latest.get(indicator.id), months)
        current = latest.get(indicator.id)
        if new_actual and data.actual_shown is not None and data.actual_shown != shown_actual(current):
            problems.setdefault("actual", []).append(
                f"“{indicator.name}”的实际完成值在您打开后已被他人改为“{current.value_text}”，本行未保存；"
                "您填写的内容已保留，核对后可再次保存"
                if current is not None
                else f"“{indicator.name}”的实际完成值在您打开后已被他人删除，请核对后再保存"
            )
            stale = True
        for name, messages in problems.items():
            errors.add(f"entries.{position}.{name}", *messages)
        checked.append(_Checked(position, indicator, data, new_actual))
    errors.raise_if_any("stale" if stale else "invalid")
    stored = entries_of([project.id], round_on)
    changed = 0
    for item in checked:
        if item.new_actual:
            try:  # e.g. a submitted self-evaluation has locked the year's actual values
                set_actual(item.indicator, item.data.actual, round_on, actor, note=None, reason=None)
            except RuleError as error:
                raise RuleError({f"entries.{item.position}.actual": error.messages}, error.kind) from None
        wrote = _write_entry(item.indicator, stored.get(item.indicator.id), round_on, item.data, actor)
        changed += 1 if (wrote or item.new_actual) else 0
    db.session.flush()
    return changed


def check_row(
    indicator: Indicator, data: EntryData, latest: ActualValue | None, months: int
) -> tuple[dict[str, list[str]], bool]:
    """(messages per field, whether a new 1–7月 value was typed) for one row."""
    problems: dict[str, list[str]] = {}
    actual, new_actual = _check_actual(indicator, data.actual, latest, problems)
    forecast, measures = data.forecast.strip(), data.measures.strip()
    _check_forecast(indicator, forecast, problems)
    if data.likelihood and data.likelihood not in LIKELIHOOD_LABELS:
        problems["likelihood"] = [f"完成目标可能性应为{_either(LIKELIHOOD_LABELS.values())}"]
    if any(cause not in CAUSE_LABELS for cause in data.causes):
        problems["causes"] = [f"偏差原因只能从{'、'.join(CAUSE_LABELS.values())}中选择"]
    if len(measures) > MAX_MEASURES:
        problems["measures"] = [f"纠偏措施最多 {MAX_MEASURES} 个字"]
    elif refused := unsavable(measures, "纠偏措施"):
        problems["measures"] = [refused]
    if forecast or data.likelihood or data.causes or measures:
        _check_filled(indicator, data, actual, months, problems)
    return problems, new_actual


def _either(labels) -> str:
    """确定能、有可能或完全不可能: the labels as a Chinese list of alternatives."""
    *rest, last = labels
    return f"{'、'.join(rest)}或{last}" if rest else last


def _check_actual(
    indicator: Indicator, typed: str | None, latest: ActualValue | None, problems: dict
) -> tuple[ActualValue | None, bool]:
    """The 1–7月 value the light is computed from, and whether it is new."""
    text = (typed or "").strip()
    if not text or (latest is not None and text == latest.value_text):
        return latest, False
    checked, messages = actual_problems(indicator, text, "1–7月执行情况")
    if messages:
        problems["actual"] = messages
        return latest, False
    # transient, never added to the session: only read for the light
    return ActualValue(value_text=text, number=checked.number, unit=checked.unit, kind=checked.kind), True


def _check_forecast(indicator: Indicator, forecast: str, problems: dict) -> None:
    if len(forecast) > MAX_FORECAST:
        problems["forecast"] = [f"全年预计完成情况最多 {MAX_FORECAST} 个字符"]
    elif refused := unsavable(forecast, "全年预计完成情况"):
        problems["forecast"] = [refused]
    elif forecast and indicator.kind == Kind.QUANTITATIVE:
        _, messages = actual_problems(indicator, forecast, "全年预计完成情况", "预计达到")
        if messages:
            problems["forecast"] = messages


def _check_filled(indicator: Indicator, data: EntryData, actual, months: int, problems: dict) -> None:
    """A row with anything in it: 全年预计 and 可能性, and the explanation a red/yellow/unsure row needs."""
    if not data.forecast.strip():
        problems.setdefault("forecast", ["请填写全年预计完成情况"])
    if not data.likelihood:
        problems.setdefault("likelihood", ["请选择完成目标可能性"])
    level = light_of(indicator, actual, months, data.likelihood).light.level
    if not lights.needs_explanation(level, data.likelihood):
        return
    if level in (lights.RED, lights.YELLOW) and indicator.kind == Kind.QUANTITATIVE:  # 定性: the likelihood says why
        because = f"该指标为{lights.LABELS[level]}"
    else:
        because = f"完成目标可能性为“{LIKELIHOOD_LABELS[data.likelihood]}”"
    if not data.causes:
        problems.setdefault("causes", [f"{because}，请选择偏差原因"])
    if not data.measures.strip():
        problems.setdefault("measures", [f"{because}，请填写纠偏措施"])


def _content(entry: MonitoringEntry | None) -> tuple[str, str | None, list[str], str]:
    if entry is None:
        return "", None, [], ""
    return entry.forecast_text or "", entry.likelihood, list(entry.causes or []), entry.measures or ""


def _write_entry(indicator: Indicator, entry: MonitoringEntry | None, round_on: date, data: EntryData, actor: str):
    """Insert or update one entry; audit and return True when its content changed."""
    causes = [cause for cause in CAUSES if cause in data.causes]  # stored in the published order
    after = (data.forecast.strip(), data.likelihood or None, causes, data.measures.strip())
    before = _content(entry)
    if after == before:
        return False
    if entry is None:
        entry = MonitoringEntry(indicator_id=indicator.id, round_on=round_on)
        db.session.add(entry)
    entry.forecast_text, entry.likelihood, entry.causes, entry.measures = after
    entry.updated_by = actor
    _audit(indicator, round_on, actor, before, after)
    return True


#: (label, how a value is shown) per field of the entry tuple.
_SHOWN = (
    ("全年预计完成情况", lambda value: value),
    ("完成目标可能性", lambda value: LIKELIHOOD_LABELS.get(value, "")),
    ("偏差原因", lambda value: "、".join(CAUSE_LABELS[cause] for cause in value)),
    ("纠偏措施", lambda value: value),
)


def _audit(indicator: Indicator, round_on: date, actor: str, before: tuple, after: tuple) -> None:
    """One ``midyear.set`` entry on the project with the changed fields, shown in Chinese."""
    changes = {
        f"{indicator.name}{label}": [show(old), show(new)]
        for (label, show), old, new in zip(_SHOWN, before, after, strict=True)
        if old != new
    }
    summary = f"绩效运行监控（{round_on.isoformat()}）第{indicator.position}行 {indicator.name}"
    record(actor, "midyear.set", "project", indicator.project_id, summary, changes)


@row_keeper
def _recorded_entries(indicator_ids) -> dict[int, str]:
    """Indicators with a 绩效运行监控 entry: a replace that drops one asks first (perf.projects.keepers)."""
    query = (
        select(MonitoringEntry.indicator_id, MonitoringEntry.round_on)
        .where(MonitoringEntry.indicator_id.in_(list(indicator_ids)))
        .order_by(MonitoringEntry.indicator_id, MonitoringEntry.round_on)
    )
    rounds: dict[int, list[str]] = {}
    for indicator_id, round_on in db.session.execute(query):
        rounds.setdefault(indicator_id, []).append(round_on.isoformat())
    return {indicator_id: f"绩效运行监控填报（{'、'.join(days)}）" for indicator_id, days in rounds.items()}
