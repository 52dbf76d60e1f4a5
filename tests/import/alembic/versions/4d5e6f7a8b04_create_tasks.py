"""create tasks

Revision ID: 4d5e6f7a8b04
Revises: 3c4d5e6f7a03
Create Date: 2024-02-01 08:15:00

"""
from alembic import op
import sqlalchemy as sa

revision = "4d5e6f7a8b04"
down_revision = "3c4d5e6f7a03"
branch_labels = None
depends_on = None

task_state = sa.Enum("todo", "doing", "done", name="task_state")


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id", name="tasks_project_id_fkey"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("state", task_state, nullable=False, server_default="todo"),
        sa.Column("due", sa.Date(), nullable=True),
    )
    op.create_index("ix_tasks_project_state", "tasks", ["project_id", "state"])


def downgrade():
    op.drop_index("ix_tasks_project_state", table_name="tasks")
    op.drop_table("tasks")
    task_state.drop(op.get_bind())
