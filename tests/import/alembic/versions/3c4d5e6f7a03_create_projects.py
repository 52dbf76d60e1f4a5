"""create projects

Revision ID: 3c4d5e6f7a03
Revises: 2b3c4d5e6f02
Create Date: 2024-01-20 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "3c4d5e6f7a03"
down_revision = "2b3c4d5e6f02"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="projects_owner_id_fkey", ondelete="CASCADE"),
    )
    op.create_index("ix_projects_owner_id", "projects", ["owner_id"])


def downgrade():
    op.drop_index("ix_projects_owner_id", table_name="projects")
    op.drop_table("projects")
