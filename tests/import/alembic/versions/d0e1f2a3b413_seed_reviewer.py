"""seed reviewer user

Revision ID: d0e1f2a3b413
Revises: cfd0e1f2a312
Create Date: 2024-03-02 10:00:00.000000

"""
import datetime

from alembic import op
import sqlalchemy as sa

revision = "d0e1f2a3b413"
down_revision = "cfd0e1f2a312"
branch_labels = None
depends_on = None

# A DateTime value, which offline mode cannot print as a literal.
users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String), sa.column("created_at", sa.DateTime))


def upgrade():
    op.bulk_insert(users, [{"id": 3, "email": "reviewer@example.com", "created_at": datetime.datetime(2024, 3, 2, 10, 0)}])


def downgrade():
    op.execute("DELETE FROM users WHERE id = 3")
