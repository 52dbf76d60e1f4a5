#!/usr/bin/env python3
"""Writes one synthetic chain of N linear revisions in three forms: migc .mig files, an Alembic
chain (op.execute of the same SQL), and plain up/down SQL scripts (the floor).

Each revision creates a table of 8 columns of mixed types with a foreign key to an earlier
table and an index; every 10th also creates an enum type its table uses; every 20th adds a
column to an earlier table."""
import argparse
import os
import textwrap


def revision_id(i):
    return "r%05d" % i


def describe(i):
    """The up and down SQL of revision i, and its DSL statements."""
    table = "t%05d" % i
    enum = "e%05d" % i if i % 10 == 0 else None
    parent = "t%05d" % max(1, i - 1 - (i * 7) % min(max(i - 1, 1), 50)) if i > 1 else None
    up, down, dsl = [], [], []
    if enum:
        up.append("CREATE TYPE %s AS ENUM ('new', 'running', 'done')" % enum)
        dsl.append("create type %s as enum ('new', 'running', 'done');" % enum)
    columns_sql = [
        "id bigint PRIMARY KEY",
        "name varchar(100) NOT NULL",
        "created_at timestamp DEFAULT now()",
        "score double precision",
        "active boolean DEFAULT true",
        "payload jsonb",
        "amount numeric(12,2)",
    ]
    columns_dsl = [
        "id bigint primary key",
        "name varchar(100) not null",
        "created_at timestamp default now()",
        "score double precision",
        "active boolean default true",
        "payload jsonb",
        "amount numeric(12, 2)",
    ]
    if enum:
        columns_sql.append("state %s DEFAULT 'new'" % enum)
        columns_dsl.append("state %s default 'new'" % enum)
    if parent:
        columns_sql.append("parent_id bigint REFERENCES %s (id) ON DELETE CASCADE" % parent)
        columns_dsl.append("parent_id bigint references %s (id) on delete cascade" % parent)
    up.append("CREATE TABLE %s (%s)" % (table, ", ".join(columns_sql)))
    dsl.append("create table %s (\n  %s\n);" % (table, ",\n  ".join(columns_dsl)))
    key = "parent_id" if parent else "created_at"
    up.append("CREATE INDEX %s_idx ON %s USING btree (%s)" % (table, table, key))
    dsl.append("create index %s_idx on %s (%s);" % (table, table, key))
    if i % 20 == 0:
        earlier = "t%05d" % (i - 10)
        up.append("ALTER TABLE %s ADD COLUMN extra_%05d text" % (earlier, i))
        dsl.append("alter table %s add column extra_%05d text;" % (earlier, i))
        down.append("ALTER TABLE %s DROP COLUMN extra_%05d" % (earlier, i))
    down.append("DROP INDEX %s_idx" % table)
    down.append("DROP TABLE %s" % table)
    if enum:
        down.append("DROP TYPE %s" % enum)
    return up, down, dsl


ENV_PY = '''\
import os
from alembic import context
from sqlalchemy import create_engine

def run_migrations_online():
    engine = create_engine(os.environ["BENCH_SQLALCHEMY_URL"])
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None)
        with context.begin_transaction():
            context.run_migrations()

run_migrations_online()
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    n = args.revisions
    all_up, all_down = [], []
    for i in range(1, n + 1):
        rid = revision_id(i)
        parent = "revises base" if i == 1 else "revises '%s'" % revision_id(i - 1)
        up, down, dsl = describe(i)
        write(os.path.join(args.out, "mig", "%s_create_t%05d.mig" % (rid, i)),
              "revision '%s' %s\n  message 'Create t%05d';\n\n%s\n" % (rid, parent, i, "\n".join(dsl)))
        down_revision = "None" if i == 1 else repr(revision_id(i - 1))
        write(os.path.join(args.out, "alembic", "versions", "%s.py" % rid), textwrap.dedent('''\
            """Create t%05d"""
            from alembic import op

            revision = %r
            down_revision = %s
            branch_labels = None
            depends_on = None


            def upgrade():
            %s


            def downgrade():
            %s
            ''') % (i, rid, down_revision,
                    "\n".join("    op.execute(%r)" % s for s in up),
                    "\n".join("    op.execute(%r)" % s for s in down)))
        all_up.extend(up)
        all_down[:0] = down
    write(os.path.join(args.out, "alembic", "env.py"), ENV_PY)
    write(os.path.join(args.out, "alembic", "script.py.mako"), "")
    write(os.path.join(args.out, "alembic.ini"),
          "[alembic]\nscript_location = %s\n" % os.path.abspath(os.path.join(args.out, "alembic")))
    write(os.path.join(args.out, "up.sql"), "".join(s + ";\n" for s in all_up))
    write(os.path.join(args.out, "down.sql"), "".join(s + ";\n" for s in all_down))


if __name__ == "__main__":
    main()
