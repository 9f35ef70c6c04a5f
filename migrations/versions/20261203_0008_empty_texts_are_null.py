"""empty texts are NULL: the text columns that may be empty become nullable (perf.db.BlankText)

PostgreSQL-family engines in Oracle compatibility mode (openGauss, KingbaseES) read '' as
NULL, so a NOT NULL column with an empty default refuses every empty note. perf now stores an
empty text as NULL and reads NULL back as "". The user's e-mail loses its '' server default.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:06:53.416720

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

#: table -> (column, type) of every text that may be empty.
COLUMNS = {
    'actual_value': (('note', sa.Text()), ('reason', sa.Text()), ('entered_by', sa.String(64))),
    'alert': (('reason', sa.Text()), ('measures', sa.Text())),
    'audit_entry': (('summary', sa.Text()),),
    'department_budget': (('source_sha256', sa.String(64)),),
    'evaluation_row': (('reason', sa.Text()),),
    'indicator': (('description', sa.Text()), ('basis', sa.Text())),
    'monitoring_entry': (('forecast_text', sa.String(200)), ('measures', sa.Text()), ('updated_by', sa.String(64))),
    'notification': (('last_error', sa.Text()),),
    'payment': (('note', sa.Text()),),
    'project': (('purpose', sa.Text()), ('goal', sa.Text())),
    'self_evaluation': (('outcome', sa.Text()),),
    'unit': (('nature', sa.String(50)), ('rank', sa.String(50)), ('funding', sa.String(50))),
    'user_account': (('display_name', sa.String(100)), ('email', sa.String(254))),
}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, kind in columns:
                extra = {'server_default': None} if (table, name) == ('user_account', 'email') else {}
                batch_op.alter_column(name, existing_type=kind, nullable=True, **extra)


def downgrade():
    for table, columns in COLUMNS.items():
        for name, _ in columns:
            op.execute(f"UPDATE {table} SET {name} = '' WHERE {name} IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, kind in columns:
                extra = {'server_default': ''} if (table, name) == ('user_account', 'email') else {}
                batch_op.alter_column(name, existing_type=kind, nullable=False, **extra)
