"""add users display_name where missing

Revision ID: cfd0e1f2a312
Revises: becfd0e1f211
Create Date: 2024-03-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = "cfd0e1f2a312"
down_revision = "becfd0e1f211"
branch_labels = None
depends_on = None


# Some databases in the field got the column by hand: add it only where it is missing, as many
# real chains do. Offline mode cannot run this (it reads the catalog).
def upgrade():
    inspector = sa.inspect(op.get_bind())
    if "display_name" not in {column["name"] for column in inspector.get_columns("users")}:
        op.add_column("users", sa.Column("display_name", sa.Text(), nullable=True))
    if "users_display_name_idx" not in {index["name"] for index in inspector.get_indexes("users")}:
        op.create_index("users_display_name_idx", "users", ["display_name"])


def downgrade():
    op.drop_index("users_display_name_idx", table_name="users")
    op.drop_column("users", "display_name")
