# Reads an Alembic revision graph and prints, as JSON on stdout, each revision (base first) with
# the SQL its upgrade and downgrade emit in Alembic's offline mode. Run by `migc import alembic`
# with Debian's interpreter (/usr/bin/python3, python3-alembic); env.py is never run, so no
# database is needed. argv: <versions dir> [<alembic.ini>]
#
# With --online, for revisions offline mode cannot run: runs the upgrades of the revisions named,
# in the order named, each in its own transaction, on a database (a throwaway server's, which migc
# introspects between them), and prints the statements each ran.
# argv: --online <versions dir> <alembic.ini or ""> <database> <revision>...; the server's libpq
# conninfo in MIGC_IMPORT_CONNINFO.
import io
import json
import os
import sys

try:
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from alembic.script import ScriptDirectory
    from sqlalchemy.schema import DDLElement
except ImportError as error:
    print(f"Alembic is not installed for {sys.executable} ({error}): install Debian's python3-alembic, or set MIGC_PYTHON to a Python that has Alembic", file=sys.stderr)
    sys.exit(3)


def offline_sql(function):
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name="postgresql",
        opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True},
    )

    # Offline, op.get_bind().execute() prints its statement and returns None, so a revision that
    # tests what a query returned (`if bind.execute(...):`) would silently take one branch: such
    # a revision goes through a server instead. DDL constructs (`postgresql.ENUM(...).create(bind)`)
    # print as offline mode means them to; op.execute() does not come here.
    printing = context.impl.bind.execute

    def execute(statement, *args, **kwargs):
        if isinstance(statement, DDLElement):
            return printing(statement, *args, **kwargs)
        raise RuntimeError("it runs statements through op.get_bind(), whose results only a database can give")

    context.impl.bind.execute = execute
    with Operations.context(context):
        function()
    return buffer.getvalue()


def create_date(docstring):
    # Alembic writes it into the docstring only ("Create Date: 2024-02-03 11:00:00.123456").
    for line in docstring.splitlines():
        if line.strip().startswith("Create Date:"):
            return line.split(":", 1)[1].strip()
    return ""


def as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def script_directory(versions, config):
    versions = os.path.abspath(versions)
    if config:
        return ScriptDirectory.from_config(Config(config))
    return ScriptDirectory(os.path.dirname(versions), version_locations=[versions])


def online(versions, config, database, ids):
    conninfo = os.environ["MIGC_IMPORT_CONNINFO"]
    try:
        import psycopg2
        from sqlalchemy import create_engine, event
    except ImportError as error:
        print(f"importing a revision through a server needs psycopg2 for {sys.executable} ({error}): install Debian's python3-psycopg2", file=sys.stderr)
        sys.exit(3)
    script = script_directory(versions, config)
    # psycopg2 hands libpq the conninfo as given (URL or key=value), the database overriding its own.
    engine = create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(conninfo, dbname=database))
    ran = []
    current = []

    def record(connection, cursor, statement, parameters, context, executemany):
        for one in (parameters if executemany else [parameters]):
            current.append(cursor.mogrify(statement, one).decode() if one else statement)

    event.listen(engine, "before_cursor_execute", record)
    with engine.connect() as connection:
        for id in ids:
            current.clear()
            try:
                upgrade = getattr(script.get_revision(id).module, "upgrade", None)
                # Alembic's own transaction, as env.py's begin_transaction() gives: autocommit_block() needs it.
                context = MigrationContext.configure(connection=connection)
                with context.begin_transaction():
                    with Operations.context(context):
                        if upgrade is not None:
                            upgrade()
            except Exception as error:
                json.dump({"ran": ran, "failed": {"id": id, "error": f"{type(error).__name__}: {error}"}}, sys.stdout)
                return
            ran.append({"id": id, "statements": list(current)})
    json.dump({"ran": ran}, sys.stdout)


def main():
    if sys.argv[1] == "--online":
        online(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
        return
    script = script_directory(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
    revisions = list(script.walk_revisions("base", "heads"))
    revisions.reverse()
    out = []
    for revision in revisions:
        entry = {
            "id": revision.revision,
            "parents": as_list(revision.down_revision),
            "depends_on": as_list(revision.dependencies),
            "message": (revision.doc or "").strip(),
            "file": os.path.basename(revision.path),
            "created": create_date(revision.module.__doc__ or ""),
        }
        for direction in ("upgrade", "downgrade"):
            function = getattr(revision.module, direction, None)
            if function is None:
                entry[direction] = None
                continue
            try:
                entry[direction] = offline_sql(function)
            except Exception as error:  # a revision that needs a database, say
                entry[direction] = None
                entry[direction + "_error"] = f"{type(error).__name__}: {error}"
        out.append(entry)
    json.dump({"alembic": __import__("alembic").__version__, "revisions": out}, sys.stdout)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"Alembic could not read the revisions: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
