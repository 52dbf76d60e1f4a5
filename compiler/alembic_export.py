# Reads an Alembic revision graph and prints, as JSON on stdout, each revision (base first) with
# the SQL its upgrade and downgrade emit in Alembic's offline mode. Run by `migc import alembic`
# with Debian's interpreter (/usr/bin/python3, python3-alembic); env.py is never run, so no
# database is needed. argv: <versions dir> [<alembic.ini>]
import io
import json
import os
import sys

try:
    from alembic.config import Config
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from alembic.script import ScriptDirectory
except ImportError as error:
    print(f"Alembic is not installed for {sys.executable} ({error}): install Debian's python3-alembic, or set MIGC_PYTHON to a Python that has Alembic", file=sys.stderr)
    sys.exit(3)


def offline_sql(function):
    buffer = io.StringIO()
    context = MigrationContext.configure(
        dialect_name="postgresql",
        opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True},
    )
    with Operations.context(context):
        function()
    return buffer.getvalue()


def as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def main():
    versions = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2]:
        config = Config(sys.argv[2])
        script = ScriptDirectory.from_config(config)
    else:
        script = ScriptDirectory(os.path.dirname(versions), version_locations=[versions])
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
