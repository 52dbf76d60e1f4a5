"""add touch function

Revision ID: 7a8b9cadbe07
Revises: 6f7a8b9cad06
Create Date: 2024-03-01 09:30:00

"""
from alembic import op

revision = "7a8b9cadbe07"
down_revision = "6f7a8b9cad06"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE FUNCTION project_task_count(p integer) RETURNS bigint
        LANGUAGE sql STABLE
        AS $$ SELECT count(*) FROM tasks WHERE project_id = p $$
        """
    )


def downgrade():
    op.execute("DROP FUNCTION project_task_count(integer)")
