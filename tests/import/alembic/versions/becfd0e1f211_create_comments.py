"""create comments

Revision ID: becfd0e1f211
Revises: adbecfd0e110
Create Date: 2024-04-02 15:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = "becfd0e1f211"
down_revision = "adbecfd0e110"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comments",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="comments_task_id_fkey", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="comments_author_id_fkey", ondelete="SET NULL"),
    )
    op.create_index("ix_comments_task_id", "comments", ["task_id"])


def downgrade():
    op.drop_index("ix_comments_task_id", table_name="comments")
    op.drop_table("comments")
