"""add task priority

Revision ID: 8b9cadbecf08
Revises: 7a8b9cadbe07
Create Date: 2024-03-05 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "8b9cadbecf08"
down_revision = "7a8b9cadbe07"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("tasks", sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="0"))
    op.create_check_constraint("tasks_priority_range", "tasks", "priority BETWEEN 0 AND 5")


def downgrade():
    op.drop_constraint("tasks_priority_range", "tasks", type_="check")
    op.drop_column("tasks", "priority")
