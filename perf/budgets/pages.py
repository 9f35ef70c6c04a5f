"""The budget tables on the department page (registered as a panel of perf.projects.pages)."""

from perf.budgets.queries import budget_panel
from perf.projects.pages import department_panel


@department_panel
def budget_tables_panel(department, year) -> dict:
    """Template context: the department-year's budget tables and their cross-check findings."""
    return {"budget": budget_panel(department.id, year.id)}
