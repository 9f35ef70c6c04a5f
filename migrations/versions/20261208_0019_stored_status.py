"""the last scan's status per project (project_status), for a dashboard that pages in SQL; payment index covering amount

``project_status`` holds, per project, what the last scan computed; the dashboard sorts, filters,
pages and counts its lights from it. On the PostgreSQL family the payments index also carries the
amount (INCLUDE), so the scan's and the summary's sums up to a date read the index only.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 09:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name != "sqlite"


def upgrade():
    op.create_table(
        "project_status",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("light", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("paid", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("checkpoint_seq", sa.Integer(), nullable=True),
        sa.Column("planned_pct", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("actual_pct", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("gap_pp", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("ratio", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("time_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("has_plan", sa.Boolean(), nullable=False),
        sa.Column("reminder_seq", sa.Integer(), nullable=True),
        sa.Column("reminder_pct", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("forecast_pct", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("forecast_short", sa.Boolean(), nullable=False),
        sa.Column("over_budget", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_status_project_id_project"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["year_id"], ["budget_year.id"], name=op.f("fk_project_status_year_id_budget_year"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_status")),
    )
    op.create_index("ix_project_status_year_light", "project_status", ["year_id", "light"], unique=False)
    if _postgresql():
        op.drop_index("ix_payment_project_paid_on", table_name="payment")
        op.create_index(
            "ix_payment_project_paid_on",
            "payment",
            ["project_id", "paid_on"],
            unique=False,
            postgresql_include=["amount"],
        )


def downgrade():
    if _postgresql():
        op.drop_index("ix_payment_project_paid_on", table_name="payment")
        op.create_index("ix_payment_project_paid_on", "payment", ["project_id", "paid_on"], unique=False)
    op.drop_index("ix_project_status_year_light", table_name="project_status")
    op.drop_table("project_status")
