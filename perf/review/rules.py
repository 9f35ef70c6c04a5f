"""Automatic target review (目标审核): named rules over one 绩效目标表, as pure functions.

Each rule reads a ``TableInput`` (plain data, no database) and returns ``Finding``s whose
Chinese message names the row, says what is wrong and what to do. An error blocks
submission: the table contradicts the indicator scheme, itself or its budget, which no
reviewer would accept. A warning flags a weak target for the reviewer's judgement.
``RULES`` is the catalogue in a stable order; ``review`` runs all of it.
See docs/domain.md#target-review.
"""

from collections.abc import Iterable

import perf.review.catalogue  # noqa: F401 (registers every rule in RULES)
from perf.review.findings import RULES, Finding, RowInput, Rule, Severity, TableInput

__all__ = ["RULES", "Finding", "RowInput", "Rule", "Severity", "TableInput", "blocking", "review", "table_input"]

# Running the catalogue ------------------------------------------------------------------

_ORDER = {rule.id: index for index, rule in enumerate(RULES)}
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1}


def review(table: TableInput) -> list[Finding]:
    """All findings: errors first, then warnings; within each, table-level first, then by row."""
    findings = [finding for rule in RULES for finding in rule.check(table)]
    return sorted(
        findings,
        key=lambda f: (_SEVERITY_ORDER[f.severity], f.position or 0, _ORDER[f.rule]),
    )


def blocking(findings: Iterable[Finding]) -> bool:
    """True if any finding is an error (the table may not be submitted)."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def table_input(project, extra_units: Iterable[str] = ()) -> TableInput:
    """The rules' view of a ``perf.projects.models.Project`` and its plan and indicators.

    ``extra_units``: the admin's (``tunables.get("extra_units")``), for the 指标值 parser.
    """
    return TableInput(
        total=project.total,
        plan=[(entry.checkpoint.label, entry.cumulative_pct) for entry in project.plan],
        scheme=project.budget_year.scheme,
        rows=[
            RowInput(
                position=ind.position,
                level1=ind.level1,
                level2=ind.level2,
                name=ind.name,
                value=ind.value_text,
                basis=ind.basis or "",
                description=ind.description or "",
                unit=ind.unit,
            )
            for ind in project.indicators
        ],
        extra_units=tuple(extra_units or ()),
    )
