"""create users

Revision ID: 1a2b3c4d5e01
Revises:
Create Date: 2024-01-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "1a2b3c4d5e01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
        sa.UniqueConstraint("email", name="users_email_key"),
    )


def downgrade():
    op.drop_table("users")
