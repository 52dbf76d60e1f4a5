"""user status enum

Revision ID: 2b3c4d5e6f02
Revises: 1a2b3c4d5e01
Create Date: 2024-01-12 10:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "2b3c4d5e6f02"
down_revision = "1a2b3c4d5e01"
branch_labels = None
depends_on = None

user_status = postgresql.ENUM("active", "suspended", "deleted", name="user_status")


def upgrade():
    user_status.create(op.get_bind())
    op.add_column("users", sa.Column("status", user_status, server_default="active", nullable=False))


def downgrade():
    op.drop_column("users", "status")
    user_status.drop(op.get_bind())
