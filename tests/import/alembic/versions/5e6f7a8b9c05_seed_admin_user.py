"""seed admin user

Revision ID: 5e6f7a8b9c05
Revises: 4d5e6f7a8b04
Create Date: 2024-02-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "5e6f7a8b9c05"
down_revision = "4d5e6f7a8b04"
branch_labels = None
depends_on = None

users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String), sa.column("created_at", sa.String))


def upgrade():
    op.bulk_insert(
        users,
        [
            {"id": 1, "email": "admin@example.com", "created_at": "2024-02-03 11:00:00"},
            {"id": 2, "email": "o'brien@example.com", "created_at": "2024-02-03 11:05:00"},
        ],
    )


def downgrade():
    op.execute("DELETE FROM users WHERE id IN (1, 2)")
