"""merge priority and archived

Revision ID: adbecfd0e110
Revises: 8b9cadbecf08, 9cadbecfd009
Create Date: 2024-03-07 09:00:00

"""
revision = "adbecfd0e110"
down_revision = ("8b9cadbecf08", "9cadbecfd009")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
