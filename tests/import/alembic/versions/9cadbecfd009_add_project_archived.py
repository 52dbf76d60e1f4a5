"""add projects.archived

Revision ID: 9cadbecfd009
Revises: 7a8b9cadbe07
Create Date: 2024-03-06 12:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "9cadbecfd009"
down_revision = "7a8b9cadbe07"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("projects", sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_projects_active", "projects", ["owner_id"], postgresql_where=sa.text("NOT archived"))


def downgrade():
    op.drop_index("ix_projects_active", table_name="projects")
    op.drop_column("projects", "archived")
