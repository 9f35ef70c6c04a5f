"""money exact to the 分: 万元 amounts Numeric(14, 2) -> Numeric(18, 6); 预算数 = 财政资金 + 其他资金 within 0.0000005

An amount in 元 with two places (3,309,840.00 元) is 330.984 万元, which two places cannot hold.
SQLite rebuilds each table (batch mode); migrations/env.py turns its foreign keys off meanwhile, so
dropping the old ``project`` table does not cascade to its indicators, plan and history.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = {
    "project": ("total", "fiscal", "other"),
    "self_evaluation": ("full_year_budget", "carried_over"),
    "department_budget": ("total", "basic", "project"),
}
NULLABLE = {"project": False, "self_evaluation": True, "department_budget": True}
OLD, NEW = sa.Numeric(14, 2), sa.Numeric(18, 6)
TOLERANT_SUM = "abs(total - fiscal - other) < 0.0000005"
EXACT_SUM = "total = fiscal + other"


def _retype(old, new, sum_check: str) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "project":
                batch_op.drop_constraint(op.f("ck_project_total_is_sum"), type_="check")
            for column in columns:
                batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=NULLABLE[table])
            if table == "project":
                batch_op.create_check_constraint(op.f("ck_project_total_is_sum"), sum_check)


def upgrade():
    _retype(OLD, NEW, TOLERANT_SUM)


def downgrade():
    # Amounts with more than two places are rounded by the engine (PostgreSQL: half away from zero).
    _retype(NEW, OLD, EXACT_SUM)
