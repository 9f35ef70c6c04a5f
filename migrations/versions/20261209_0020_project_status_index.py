"""projects by state: an index on project (status, year_id) for the 待办 and the review queue

The 待办's sources ask for the projects in one state (草稿, 待审核) of a year; without an index
every page's top bar read the whole project table to find none.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-09 09:00:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_project_status_year_id", "project", ["status", "year_id"])


def downgrade():
    op.drop_index("ix_project_status_year_id", table_name="project")
