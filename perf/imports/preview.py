"""What a file would do, read from its importer's dry-run result against the stored data: the upload preview.

Per project: 新增 / 变更 (with the changes) / 未变, the counts, every problem; and its fingerprint
(SHA-256 of all of it), which confirming compares to tell that the stored data changed in between.
"""

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from perf.actuals.importer import ActualsResult
from perf.actuals.models import ActualValue
from perf.documents.budget_checks import summary_lines
from perf.documents.importer import ImportResult as DisclosureResult
from perf.extensions import db
from perf.numbers import grouped, wan_grouped
from perf.projects.models import Project
from perf.spending.importer import ImportResult as PaymentsResult


@dataclass
class Preview:
    """What a file would do: counts, per project the changes, and its problems."""

    summary: dict = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    projects: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


def preview_of(result) -> Preview:
    """Counts and changes of the rows without a problem of their own (a file with problems writes none of them)."""
    preview = Preview(problems=[{"where": p.location, "message": p.message} for p in result.problems])
    if isinstance(result, PaymentsResult):
        _payments_preview(result, preview)
    elif isinstance(result, ActualsResult):
        _actuals_preview(result, preview)
    elif isinstance(result, DisclosureResult) and not result.problems:
        _disclosure_preview(result, preview)
    return preview


class _Projects:
    """Preview entries by project code, in the file's order."""

    def __init__(self, preview: Preview):
        self.preview, self.by_code = preview, {}

    def of(self, code: str, name: str) -> dict:
        if code not in self.by_code:
            self.by_code[code] = {"code": code, "name": name, "new": [], "changed": [], "unchanged": 0}
            self.preview.projects.append(self.by_code[code])
        return self.by_code[code]

    def add(self, code: str, name: str, kind: str, text: str | None = None) -> None:
        entry = self.of(code, name)
        self.preview.summary[kind] += 1
        if kind == "unchanged":
            entry["unchanged"] += 1
        else:
            entry[kind].append(text)


def _payments_preview(result: PaymentsResult, preview: Preview) -> None:
    names = _project_names({d.project_code for d in result.pending + result.unchanged})
    projects = _Projects(preview)
    for data in result.pending:
        text = f"凭证号 {data.voucher_no}：{data.paid_on.isoformat()} 支付 {grouped(data.amount)} 元"
        projects.add(data.project_code, names.get(data.project_code, ""), "new", text)
    for data in result.unchanged:
        projects.add(data.project_code, names.get(data.project_code, ""), "unchanged")


def _actuals_preview(result: ActualsResult, preview: Preview) -> None:
    created, updated, unchanged = result.sorted_rows
    stored = {
        (a.indicator_id, a.as_of): a.value_text
        for a in db.session.scalars(
            select(ActualValue).where(ActualValue.indicator_id.in_({r.indicator.id for r in updated} or {-1}))
        )
    }
    projects = _Projects(preview)
    for kind, rows in (("new", created), ("changed", updated), ("unchanged", unchanged)):
        for row in rows:
            where = f"{row.indicator.name}（{row.as_of.isoformat()}）"
            before = stored.get((row.indicator.id, row.as_of))
            text = f"{where}：{before} → {row.actual}" if kind == "changed" else f"{where}：{row.actual}"
            projects.add(row.project.code, row.project.name, kind, text)


def _disclosure_preview(result: DisclosureResult, preview: Preview) -> None:
    """Per project 新增 / 变更 / 未变; a replaced one says what becomes of its indicators and lists those dropped."""
    tables = {t.code: t for t in result.disclosure.projects}
    projects = _Projects(preview)
    for kind, codes in (("new", result.created), ("changed", result.replaced), ("unchanged", result.unchanged)):
        for code in codes:
            table = tables[code]
            text = f"绩效目标表（预算 {wan_grouped(table.total)} 万元，{len(table.indicators)} 项指标）"
            if kind == "changed":
                text = f"以文件覆盖现有的{text}"
            projects.add(code, table.name, kind, text)
            rows = result.rows.get(code) if kind == "changed" else None
            if rows is not None:
                entry = projects.of(code, table.name)
                entry["changed"].append(f"指标：{rows.sentence()}")
                entry["changed"] += [f"变更的指标 {change}" for change in rows.changed]
                entry["dropping"] = [row.as_dict() for row in rows.dropped]
    if result.replaced:
        preview.summary["indicators"] = result.row_counts()
    disclosure = result.disclosure
    budget = summary_lines(disclosure.budget_tables, disclosure.budget_checks)
    warnings = [str(w) for w in disclosure.warnings]
    if budget or warnings:  # what the document's budget tables hold and every warning (none is fatal)
        preview.summary["notes"] = {"budget_tables": budget, "warnings": warnings}


def _project_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(db.session.execute(select(Project.code, Project.name).where(Project.code.in_(codes))).all())


def fingerprint(preview: Preview) -> str:
    """SHA-256 of what the preview showed: the same file against the same stored data gives the same."""
    shown = {"summary": preview.summary, "projects": preview.projects, "problems": preview.problems}
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
