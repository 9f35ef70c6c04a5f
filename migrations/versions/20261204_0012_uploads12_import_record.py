"""imports: the import_record table (an uploaded file, its check and whether it was applied)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.Column('preview', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.CheckConstraint("kind IN ('disclosure', 'targets', 'payments', 'actuals')", name=op.f('ck_import_record_kind')),
        sa.CheckConstraint("status IN ('checking', 'checked', 'failed', 'applied')", name=op.f('ck_import_record_status')),
        sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_import_record_progress')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_import_record_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_record')),
    )
    op.create_index('ix_import_record_user', 'import_record', ['user_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_import_record_user', table_name='import_record')
    op.drop_table('import_record')
