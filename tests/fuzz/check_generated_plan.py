#!/usr/bin/env python3
"""The migrator built from a generated hostile chain (hostile_chain.py): its history gives back
every revision id and message exactly, byte for byte, and it upgrades a fresh database to the
last revision and back to base.

usage: check_generated_plan.py <migrator> <expected.json> <conninfo-file>"""
import json
import subprocess
import sys


def run(*args):
    return subprocess.run(list(args), capture_output=True)


def result_event(completed):
    """The `result` event of a --json run: its last line (JSON Lines, see docs/migrator.md)."""
    return json.loads(completed.stdout.decode("utf-8").splitlines()[-1])


def main():
    migrator, expected_path, conninfo_path = sys.argv[1:4]
    expected = json.load(open(expected_path, encoding="utf-8"))
    server = open(conninfo_path).read().strip()
    failures = 0

    history = run(migrator, "--json", "history")
    if history.returncode != 0:
        print("FAILED: history exited %d: %s" % (history.returncode, history.stderr.decode(errors="replace")))
        return 1
    listed = [(row["revision"], row["message"]) for row in reversed(result_event(history)["revisions"])]
    wanted = [(row["revision"], row["message"]) for row in expected]
    if listed != wanted:
        failures += 1
        print("FAILED: the migrator's revisions differ from the chain's:")
        for got, want in zip(listed, wanted):
            if got != want:
                print("   got  %r\n   want %r" % (got, want))
        if len(listed) != len(wanted):
            print("   %d revisions, expected %d" % (len(listed), len(wanted)))
    else:
        print("ok: every id and message comes back exactly (%d revisions)" % len(listed))

    db = "migc_fuzzed_plan"
    run("psql", server + " dbname=postgres", "-XAtqc", "DROP DATABASE IF EXISTS " + db)
    run("psql", server + " dbname=postgres", "-XAtqc", "CREATE DATABASE " + db)
    url = server + " dbname=" + db
    for verb in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"]):
        result = run(migrator, "--url", url, *verb)
        if result.returncode != 0:
            failures += 1
            print("FAILED: %s exited %d: %s" % (" ".join(verb), result.returncode, result.stderr.decode(errors="replace")))
    current = run(migrator, "--url", url, "--json", "current")
    heads = result_event(current)["heads"] if current.returncode == 0 else None
    if heads != [expected[-1]["revision"]]:
        failures += 1
        print("FAILED: current is %r, expected %r" % (heads, expected[-1]["revision"]))
    else:
        print("ok: upgrade, downgrade and upgrade again end at the last revision")
    run("psql", server + " dbname=postgres", "-XAtqc", "DROP DATABASE IF EXISTS " + db)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
