"""Import every domain's models so the metadata is complete (Alembic, tests, CLI)."""

from perf.audit.models import AuditEntry
from perf.auth.models import User
from perf.monitoring.models import Alert, InboxItem, Notification, ScanRun
from perf.org.models import BudgetYear, Checkpoint, Department, DepartmentBudget, Unit
from perf.projects.models import Indicator, PlanEntry, Project
from perf.review.models import ProjectVersion, ReviewComment
from perf.spending.models import Payment

__all__ = [
    "Alert",
    "AuditEntry",
    "BudgetYear",
    "Checkpoint",
    "Department",
    "DepartmentBudget",
    "InboxItem",
    "Indicator",
    "Notification",
    "Payment",
    "PlanEntry",
    "Project",
    "ProjectVersion",
    "ReviewComment",
    "ScanRun",
    "Unit",
    "User",
]
