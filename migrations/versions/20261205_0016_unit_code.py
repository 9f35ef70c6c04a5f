"""org: a unit's code in the budget system (unit.code), as flat target tables give it ("820001-…")

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-05 11:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import perf.db


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', perf.db.BlankString(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('code')
