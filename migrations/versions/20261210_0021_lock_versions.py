"""lock versions: payments, actual values, alerts, users and the settings carry the version an edit was read at

Each edit a person saves moves its object's version on by one, with a compare-and-set, so a save
from an older read is refused instead of undoing someone else's change (perf/versions.py). The
users' session version ends every session of a user at sign-out and at a password change.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-10 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

VERSIONED = ("payment", "actual_value", "alert", "user_account")


def upgrade():
    for table in VERSIONED:
        op.add_column(table, sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("user_account", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))
    settings_version = op.create_table(
        "settings_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_settings_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings_version")),
    )
    op.bulk_insert(settings_version, [{"id": 1, "lock_version": 1}])


def downgrade():
    op.drop_table("settings_version")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("session_version")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("lock_version")
