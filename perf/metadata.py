"""Import every domain's models so the metadata is complete (Alembic, tests, CLI)."""

from perf.actuals.models import ActualValue
from perf.alerts.models import Alert, InboxItem, Notification, ScanRun
from perf.audit.models import AuditEntry
from perf.auth.models import ApiToken, User
from perf.budgets.models import (
    BudgetAmount,
    BudgetCheck,
    BudgetColumn,
    BudgetFinding,
    BudgetRow,
    BudgetSet,
    BudgetTable,
)
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.imports.models import ImportRecord
from perf.jobs.models import Job
from perf.midyear.models import MonitoringEntry
from perf.org.models import BudgetYear, Checkpoint, Department, DepartmentBudget, Unit
from perf.projects.models import Indicator, PlanEntry, Project
from perf.settings.models import Setting
from perf.spending.models import Payment
from perf.workflow.models import KeptVersion, StepEvent

__all__ = [
    "ActualValue",
    "Alert",
    "ApiToken",
    "AuditEntry",
    "BudgetAmount",
    "BudgetCheck",
    "BudgetColumn",
    "BudgetFinding",
    "BudgetRow",
    "BudgetSet",
    "BudgetTable",
    "BudgetYear",
    "Checkpoint",
    "Department",
    "DepartmentBudget",
    "EvaluationRow",
    "ImportRecord",
    "InboxItem",
    "Indicator",
    "Job",
    "KeptVersion",
    "MonitoringEntry",
    "Notification",
    "Payment",
    "PlanEntry",
    "Project",
    "ScanRun",
    "SelfEvaluation",
    "Setting",
    "StepEvent",
    "Unit",
    "User",
]
