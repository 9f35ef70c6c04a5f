"""Snapshots of a whole 绩效目标表, and what changed between two of them.

A snapshot is the table as ``ProjectTableSchema`` dumps it (decimal strings, dates as
ISO strings), so it can be kept in a JSON column and compared without the database.
"""

from dataclasses import dataclass
from functools import cache

from perf.projects.schemas import BUDGET, IndicatorRowSchema, ProjectTableSchema, TargetTableSchema, entered


def _header_fields() -> tuple[tuple[str, str], ...]:
    """(snapshot path, label) of every header field the one schema declares (amounts as nested), 实施单位 after 名称."""
    declared = [(f"budget.{key}" if key in BUDGET else key, label) for key, _, label in entered(TargetTableSchema)]
    return (*declared[:2], ("unit", "实施单位"), *declared[2:])


HEADER_FIELDS = _header_fields()
#: The row fields a person enters, in table order (a row's one-line form in the audit log).
INDICATOR_FIELDS = tuple(key for key, _, _ in entered(IndicatorRowSchema))


def snapshot(project) -> dict:
    """The table as JSON-safe data."""
    return _dumper().dump(project)


@cache
def _dumper() -> ProjectTableSchema:
    """One schema for every snapshot: building one (its nested schemas deep-copied) cost more than the dump."""
    return ProjectTableSchema()


def _get(data: dict, dotted: str):
    for key in dotted.split("."):
        data = (data or {}).get(key)
    return data


def plan_text(snap: dict) -> str:
    """'15/30/85/100' (empty when there is no plan)."""
    return "/".join(e["cumulative_pct"].removesuffix(".00") for e in snap.get("spend_plan", []))


def indicator_text(row: dict) -> str:
    """One indicator row on one line, for the audit log."""
    return "｜".join(row.get(f, "") or "" for f in INDICATOR_FIELDS)


def diff(before: dict, after: dict) -> dict[str, list]:
    """``{field label: [before, after]}`` for every header field, the plan and each row that changed."""
    changes: dict[str, list] = {}
    for key, label in HEADER_FIELDS:
        if _get(before, key) != _get(after, key):
            changes[label] = [_get(before, key), _get(after, key)]
    if plan_text(before) != plan_text(after):
        changes["资金支出计划"] = [plan_text(before), plan_text(after)]
    rows_before = [indicator_text(r) for r in before.get("indicators", [])]
    rows_after = [indicator_text(r) for r in after.get("indicators", [])]
    for i in range(max(len(rows_before), len(rows_after))):
        old = rows_before[i] if i < len(rows_before) else None
        new = rows_after[i] if i < len(rows_after) else None
        if old != new:
            changes[f"第{i + 1}行指标"] = [old, new]
    return changes


@dataclass
class CompareRow:
    """One line of a side-by-side comparison."""

    label: str
    left: str
    right: str

    @property
    def changed(self) -> bool:
        return self.left != self.right


def compare(left: dict, right: dict) -> list[CompareRow]:
    """Header, plan and every indicator row of two snapshots, side by side."""
    rows = [CompareRow(label, _get(left, key) or "", _get(right, key) or "") for key, label in HEADER_FIELDS]
    rows.append(CompareRow("资金支出计划（%）", plan_text(left), plan_text(right)))
    lefts, rights = left.get("indicators", []), right.get("indicators", [])
    for i in range(max(len(lefts), len(rights))):
        rows.append(
            CompareRow(
                f"指标第{i + 1}行",
                indicator_text(lefts[i]) if i < len(lefts) else "",
                indicator_text(rights[i]) if i < len(rights) else "",
            )
        )
    return rows
