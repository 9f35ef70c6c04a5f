"""Import every domain's models so the metadata is complete (Alembic, tests, CLI)."""

from perf.audit.models import AuditEntry
from perf.auth.models import User
from perf.org.models import BudgetYear, Checkpoint, Department, DepartmentBudget, Unit
from perf.projects.models import Indicator, PlanEntry, Project
from perf.review.models import ProjectVersion, ReviewComment
from perf.spending.models import Payment

__all__ = [
    "AuditEntry",
    "BudgetYear",
    "Checkpoint",
    "Department",
    "DepartmentBudget",
    "Indicator",
    "Payment",
    "PlanEntry",
    "Project",
    "ProjectVersion",
    "ReviewComment",
    "Unit",
    "User",
]
