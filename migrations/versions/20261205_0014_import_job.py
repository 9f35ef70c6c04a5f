"""imports: an upload checked in the background names its job (import_record.job_id)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_import_record_job_id_job'), 'job', ['job_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('import_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_record_job_id_job'), type_='foreignkey')
        batch_op.drop_column('job_id')
