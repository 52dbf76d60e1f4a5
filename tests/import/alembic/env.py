# A minimal online env.py: the test passes a libpq conninfo (-x conninfo=...), which psycopg2 takes as is.
import psycopg2
from alembic import context
from sqlalchemy import create_engine

conninfo = context.get_x_argument(as_dictionary=True)["conninfo"]
engine = create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(conninfo))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
