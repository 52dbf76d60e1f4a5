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
    from alembic.runtime.environment import EnvironmentContext
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from alembic.script import ScriptDirectory
    from sqlalchemy.schema import DDLElement
except ImportError as error:
    print(f"Alembic is not installed for {sys.executable} ({error}): install Debian's python3-alembic, or set MIGC_PYTHON to a Python that has Alembic", file=sys.stderr)
    sys.exit(3)


def environment(script, config, **options):
    # Alembic's EnvironmentContext, as `alembic upgrade` sets one up around env.py: revisions may
    # ask it `context.is_offline_mode()`, `context.get_x_argument()` or `context.config`.
    return EnvironmentContext(Config(config) if config else Config(), script, **options)


def offline_sql(script, config, function):
    buffer = io.StringIO()
    with environment(script, config, as_sql=True) as env:
        env.configure(dialect_name="postgresql", output_buffer=buffer, literal_binds=True)
        context = env.get_context()

        # Offline, op.get_bind().execute() prints its statement and returns None, so a revision
        # that tests what a query returned (`if bind.execute(...):`) would silently take one
        # branch: such a revision goes through a server instead. DDL constructs
        # (`postgresql.ENUM(...).create(bind)`) print as offline mode means them to; op.execute()
        # does not come here.
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


def online(versions, config, database, ids, out):
    conninfo = os.environ["MIGC_IMPORT_CONNINFO"]
    try:
        import psycopg2
        import psycopg2.extensions
        from sqlalchemy import create_engine
    except ImportError as error:
        print(f"importing a revision through a server needs psycopg2 for {sys.executable} ({error}): install Debian's python3-psycopg2", file=sys.stderr)
        sys.exit(3)
    script = script_directory(versions, config)
    current = []

    # Every statement sent on the connection, by SQLAlchemy or through the DBAPI connection itself
    # (`op.get_bind().connection.cursor()`), as the server received it.
    class RecordingCursor(psycopg2.extensions.cursor):
        def execute(self, query, variables=None):
            current.append(self.mogrify(query, variables).decode())
            return super().execute(query, variables)

        def executemany(self, query, variables_list):
            variables_list = list(variables_list)
            current.extend(self.mogrify(query, variables).decode() for variables in variables_list)
            return super().executemany(query, variables_list)

        def callproc(self, procname, parameters=None):
            current.append(f"SELECT {procname}(...)")
            return super().callproc(procname, parameters)

        def copy_expert(self, sql, file, size=8192):
            current.append(sql if isinstance(sql, str) else self.mogrify(sql).decode())
            return super().copy_expert(sql, file, size)

        def copy_from(self, file, table, *args, **kwargs):
            current.append(f"COPY {table} FROM STDIN")
            return super().copy_from(file, table, *args, **kwargs)

    # psycopg2 hands libpq the conninfo as given (URL or key=value), the database overriding its own.
    engine = create_engine(
        "postgresql+psycopg2://", creator=lambda: psycopg2.connect(conninfo, dbname=database, cursor_factory=RecordingCursor)
    )
    ran = []
    with engine.connect() as connection:
        for id in ids:
            current.clear()
            try:
                upgrade = getattr(script.get_revision(id).module, "upgrade", None)
                with environment(script, config) as env:
                    env.configure(connection=connection)
                    context = env.get_context()
                    # Alembic's own transaction, as env.py's begin_transaction() gives: autocommit_block() needs it.
                    with context.begin_transaction():
                        with Operations.context(context):
                            if upgrade is not None:
                                upgrade()
            except Exception as error:
                json.dump({"ran": ran, "failed": {"id": id, "error": f"{type(error).__name__}: {error}"}}, out)
                return
            ran.append({"id": id, "statements": list(current)})
    json.dump({"ran": ran}, out)


def main():
    # What revisions print() goes to standard error; the JSON alone to standard output.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if sys.argv[1] == "--online":
        online(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:], out)
        out.flush()
        return
    config = sys.argv[2] if len(sys.argv) > 2 else ""
    script = script_directory(sys.argv[1], config)
    revisions = list(script.walk_revisions("base", "heads"))
    revisions.reverse()
    entries = []
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
                entry[direction] = offline_sql(script, config, function)
            except Exception as error:  # a revision that needs a database, say
                entry[direction] = None
                entry[direction + "_error"] = f"{type(error).__name__}: {error}"
        entries.append(entry)
    json.dump({"alembic": __import__("alembic").__version__, "revisions": entries}, out)
    out.flush()


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"Alembic could not read the revisions: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
