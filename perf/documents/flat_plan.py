"""The 资金支出计划 of a flat target table: one column per checkpoint ("3月底累计支出计划（%）", also
"资金支出计划3月底" or a bare "3月底"), the project's cumulative percents merged down like its other cells.

一体化 exports carry no plan; perf's own flat export (perf/publish/xlsx.py) adds these columns so a
re-import gives the same tables. A pure reader beside perf.documents.flat.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from perf.documents import _tables as t
from perf.documents._tables import Problem
from perf.documents.tabular import cell, filled
from perf.projects.plan import plan_problems

_HEADER = re.compile(r"^(?:资金)?(?:支出计划)?(\d{1,2})月(?:底|末)(?:累计)?(?:支出计划|支出进度)?(?:\(%\)|%)?$")


@dataclass(frozen=True)
class PlanColumn:
    index: int
    label: str  # "3月底"
    month: int


def plan_columns(header: list) -> list[PlanColumn]:
    """The header's checkpoint columns, in column order."""
    found = []
    for index, text in enumerate(header):
        match = _HEADER.fullmatch(_key(text)) if filled(text) else None
        if match and 1 <= int(match.group(1)) <= 12:
            found.append(PlanColumn(index, f"{int(match.group(1))}月底", int(match.group(1))))
    return found


def is_plan_header(text) -> bool:
    return bool(plan_columns([text]))


def read_plan(
    cells: list, columns: list[PlanColumn], year: int, where: str, problems: list[Problem]
) -> list[tuple[date, str, Decimal]]:
    """The project's plan from its first row's cells; [] when the file has no plan for it (every cell blank)."""
    texts = [cell(cells[c.index], False) if c.index < len(cells) else None for c in columns]
    if not columns or not any(filled(text) for text in texts):
        return []
    count = len(problems)
    if any(a.month >= b.month for a, b in pairwise(columns)):
        problems.append(Problem(where, "资金支出计划的时间节点应按月份先后排列"))
    entries = []
    for column, text in zip(columns, texts, strict=True):
        pct = t.percent(str(text)) if filled(text) else None
        if pct is None:
            shown = f"的值“{str(text).strip()}”不是数字" if filled(text) else "的累计支出百分比为空"
            problems.append(Problem(where, f"资金支出计划中{column.label}{shown}"))
        else:
            entries.append((column.label, pct))
    if len(problems) > count:
        return []
    problems.extend(Problem(where, message) for message in plan_problems(entries))
    if len(problems) > count or not year:
        return []
    return [(t.month_end(year, c.month), label, pct) for c, (label, pct) in zip(columns, entries, strict=True)]


def _key(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
