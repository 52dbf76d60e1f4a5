"""rename tasks.title to summary

Revision ID: 6f7a8b9cad06
Revises: 5e6f7a8b9c05
Create Date: 2024-02-10 16:45:00

"""
from alembic import op

revision = "6f7a8b9cad06"
down_revision = "5e6f7a8b9c05"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("tasks", "title", new_column_name="summary")


def downgrade():
    op.alter_column("tasks", "summary", new_column_name="title")
