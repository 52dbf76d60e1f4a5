#!/usr/bin/env python3
"""Benchmarks migc's migrator against Alembic and against the floor (psql -1 -f of the same SQL,
and the same SQL as one multi-statement message), on one throwaway PostgreSQL server, runs
interleaved so that machine noise falls on every tool alike. Writes bench/results.md.

    python3 bench/run.py [--sizes 100,1000,10000] [--runs 5] [--build build]

Needs a built tree (cmake --build build), python3-alembic and python3-psycopg2."""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, where python3-alembic is installed


def sh(cmd, env=None, capture=False):
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), result.stdout, result.stderr))
    return result.stdout


def timed(cmd, env=None):
    start = time.perf_counter()
    sh(cmd, env)
    return time.perf_counter() - start


class Server:
    def __init__(self, build):
        self.state = os.path.join(tempfile.mkdtemp(), "conninfo")
        # One transaction over thousands of tables (Alembic's default, psql -1) needs a lock per
        # table: PostgreSQL's default lock table runs out near 1,000 revisions.
        self.migc = os.path.join(build, "compiler", "migc")
        sh([self.migc, "throwaway-postgres", "start", self.state, "--setting", "max_locks_per_transaction=8192"])
        self.conninfo = open(self.state).read().strip()
        self.socket = self.conninfo.split()[0].split("=")[1]
        self.bindir = sh(["pg_config", "--bindir"]).strip()
        self.counter = 0

    def fresh(self):
        self.counter += 1
        name = "bench_%d" % self.counter
        sh([os.path.join(self.bindir, "psql"), "-XAtq", self.conninfo + " dbname=postgres", "-c", "CREATE DATABASE " + name])
        return name

    def url(self, db):
        return self.conninfo + " dbname=" + db

    def sqlalchemy(self, db):
        return "postgresql+psycopg2://postgres@/%s?host=%s" % (db, self.socket)

    def stop(self):
        sh([self.migc, "throwaway-postgres", "stop", self.state])


def build_migrator(build, chain_dir, work, name):
    """Compiles a chain with the built migc and links its migrator; returns build timings."""
    os.makedirs(work, exist_ok=True)
    migc = os.path.join(build, "compiler", "migc")
    t_migc = timed([migc, "compile", "--name", name, "--source-root", chain_dir, "--out-dir", work, chain_dir])
    plan_cpp = os.path.join(work, name + "_plan.cpp")
    plan_o = os.path.join(work, "plan.o")
    t_compile = timed(["g++", "-std=c++20", "-O2", "-I", REPO, "-c", plan_cpp, "-o", plan_o])
    binary = os.path.join(work, name + "-migrate")
    t_link = timed(["g++", plan_o, os.path.join(build, "runtime/CMakeFiles/migc_runtime_main.dir/main.cpp.o"),
                    os.path.join(build, "runtime/libmigc_runtime.a"), os.path.join(build, "postgres/libmigc_postgres.a"),
                    os.path.join(build, "postgres/libmigc_sql_text.a"),
                    os.path.join(build, "third_party/fmt/libmigc_fmt.a"),
                    "-lpq", "-static-libstdc++", "-static-libgcc", "-o", binary])
    return binary, {"migc": t_migc, "plan compile": t_compile, "link": t_link, "size": os.path.getsize(binary),
                    "plan bytes": os.path.getsize(plan_cpp)}


def alembic(chain_dir, server, db, *args):
    env = dict(os.environ, BENCH_SQLALCHEMY_URL=server.sqlalchemy(db))
    return [SYSTEM_PYTHON, "-m", "alembic", "-c", os.path.join(chain_dir, "alembic.ini")] + list(args), env


def summary(samples):
    return statistics.median(samples), min(samples), max(samples)


def measure_chain(label, binary, chain_dir, server, runs):
    """Upgrade, downgrade, at-head, and offline verbs for one chain; returns {row: {tool: [seconds]}}."""
    psql = os.path.join(server.bindir, "psql")
    execs = os.path.join(WORK, "exec_script")
    up_sql, down_sql = os.path.join(chain_dir, "up.sql"), os.path.join(chain_dir, "down.sql")
    rows = {"upgrade head": {}, "downgrade base": {}, "already at head": {}}
    def add(row, tool, seconds):
        rows[row].setdefault(tool, []).append(seconds)
    tools = ["migc", "alembic", "psql -1 -f", "one message"]
    for run in range(runs):
        dbs = {tool: server.fresh() for tool in tools}
        # Each run starts with a different tool (A B C D, B C D A, ...), so that whatever the
        # machine does at a given moment does not always fall on the same tool.
        order = tools[run % len(tools):] + tools[:run % len(tools)]
        up = {
            "migc": lambda db: timed([binary, "--url", server.url(db), "upgrade", "head"]),
            "alembic": lambda db: timed(*alembic(chain_dir, server, db, "upgrade", "head")),
            "psql -1 -f": lambda db: timed([psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", up_sql, server.url(db)]),
            "one message": lambda db: timed([execs, server.url(db), up_sql]),
        }
        down = {
            "migc": lambda db: timed([binary, "--url", server.url(db), "downgrade", "base"]),
            "alembic": lambda db: timed(*alembic(chain_dir, server, db, "downgrade", "base")),
            "psql -1 -f": lambda db: timed([psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", down_sql, server.url(db)]),
            "one message": lambda db: timed([execs, server.url(db), down_sql]),
        }
        for tool in order:
            add("upgrade head", tool, up[tool](dbs[tool]))
        # Already at head: the start-up check a service runs on every deploy.
        at_head = {
            "migc upgrade head": lambda: timed([binary, "--url", server.url(dbs["migc"]), "upgrade", "head"]),
            "alembic current": lambda: timed(*alembic(chain_dir, server, dbs["alembic"], "current")),
            "alembic upgrade head": lambda: timed(*alembic(chain_dir, server, dbs["alembic"], "upgrade", "head")),
        }
        for name in list(at_head)[run % 3:] + list(at_head)[:run % 3]:
            add("already at head", name, at_head[name]())
        for tool in order:
            add("downgrade base", tool, down[tool](dbs[tool]))
        print("  %s run %d/%d done" % (label, run + 1, runs), flush=True)
    offline = {}
    for verb in (["history"], ["heads"], ["show", "r00001"] if "smartem" not in label else ["show", "002"],
                 ["upgrade", "--sql"]):
        samples = [timed([binary] + verb) for _ in range(max(runs, 3))]
        offline[" ".join(verb)] = samples
    return rows, offline


def smartem_chain(smartem_migrate, out):
    """An Alembic chain and floor scripts with exactly the SQL of the SmartEM plan."""
    history = json.loads(sh([smartem_migrate, "--json", "history"]))
    revisions = list(reversed(history))
    ups, downs = [], []
    os.makedirs(os.path.join(out, "alembic", "versions"), exist_ok=True)
    for r in revisions:
        shown = json.loads(sh([smartem_migrate, "--json", "show", r["revision"]]))
        ups.extend(shown["up"])
        downs[:0] = shown["down"]
        parents = r["parents"]
        down_revision = "None" if not parents else repr(parents[0]) if len(parents) == 1 else repr(tuple(parents))
        body = lambda statements: "\n".join("    op.execute(%r)" % s for s in statements) or "    pass"
        with open(os.path.join(out, "alembic", "versions", "%s.py" % r["revision"]), "w") as f:
            f.write('"""%s"""\nfrom alembic import op\n\nrevision = %r\ndown_revision = %s\nbranch_labels = None\n'
                    'depends_on = None\n\n\ndef upgrade():\n%s\n\n\ndef downgrade():\n%s\n'
                    % (r["message"], r["revision"], down_revision, body(shown["up"]), body(shown["down"])))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import generate
    generate.write(os.path.join(out, "alembic", "env.py"), generate.ENV_PY)
    generate.write(os.path.join(out, "alembic.ini"), "[alembic]\nscript_location = %s\n" % os.path.join(out, "alembic"))
    generate.write(os.path.join(out, "up.sql"), "".join(s + ";\n" for s in ups))
    generate.write(os.path.join(out, "down.sql"), "".join(s + ";\n" for s in downs))


def fmt_seconds(s):
    return "%.1f ms" % (s * 1000) if s < 1 else "%.2f s" % s


def cell(samples):
    median, low, high = summary(samples)
    return "%s [%s–%s]" % (fmt_seconds(median), fmt_seconds(low), fmt_seconds(high))


def main():
    global WORK
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "results.md"))
    args = parser.parse_args()
    WORK = tempfile.mkdtemp(prefix="migc-bench.")
    sh(["g++", "-O2", "-I/usr/include/postgresql", os.path.join(REPO, "bench", "exec_script.cpp"), "-lpq", "-o",
        os.path.join(WORK, "exec_script")])
    server = Server(args.build)
    results = []
    try:
        smartem_dir = os.path.join(WORK, "smartem")
        smartem_chain(os.path.join(args.build, "smartem-migrate"), smartem_dir)
        print("SmartEM chain", flush=True)
        rows, offline = measure_chain("smartem", os.path.join(args.build, "smartem-migrate"), smartem_dir, server, args.runs)
        results.append(("SmartEM (5 revisions)", rows, offline, None))
        for n in [int(x) for x in args.sizes.split(",")]:
            chain_dir = os.path.join(WORK, "chain%d" % n)
            sh([sys.executable, os.path.join(REPO, "bench", "generate.py"), "--revisions", str(n), "--out", chain_dir])
            binary, build = build_migrator(args.build, os.path.join(chain_dir, "mig"), os.path.join(WORK, "build%d" % n), "bench")
            # One revision edited: migc runs again, and the plan is recompiled and relinked.
            first = sorted(os.listdir(os.path.join(chain_dir, "mig")))[0]
            with open(os.path.join(chain_dir, "mig", first), "a") as f:
                f.write("create index t00001_name_idx on t00001 (name);\n")
            _, rebuild = build_migrator(args.build, os.path.join(chain_dir, "mig"), os.path.join(WORK, "build%d" % n), "bench")
            with open(os.path.join(chain_dir, "mig", first)) as f:
                text = f.read()
            with open(os.path.join(chain_dir, "mig", first), "w") as f:
                f.write(text.replace("create index t00001_name_idx on t00001 (name);\n", ""))
            binary, _ = build_migrator(args.build, os.path.join(chain_dir, "mig"), os.path.join(WORK, "build%d" % n), "bench")
            runs = args.runs if n < 10000 else max(1, args.runs // 3)
            print("N = %d (%d runs)" % (n, runs), flush=True)
            rows, offline = measure_chain("N=%d" % n, binary, chain_dir, server, runs)
            results.append(("N = %d" % n, rows, offline, (build, rebuild)))
    finally:
        server.stop()
    write_results(args, results)
    shutil.rmtree(WORK, ignore_errors=True)


def write_results(args, results):
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    versions = {
        "PostgreSQL": sh(["pg_config", "--version"]).strip(),
        "g++": sh(["g++", "--version"]).splitlines()[0],
        "Alembic": sh([SYSTEM_PYTHON, "-c", "import alembic, sqlalchemy; print(alembic.__version__, 'on SQLAlchemy', sqlalchemy.__version__)"]).strip(),
    }
    out = ["# Benchmark results", "",
           "Written by `python3 bench/run.py --sizes %s --runs %d` (medians, [min–max]; runs interleaved tool by tool)."
           % (args.sizes, args.runs), "",
           "Machine: %s, %d cores, %s. %s." % (cpu, os.cpu_count(), platform.platform(), "; ".join("%s %s" % kv for kv in versions.items())),
           "PostgreSQL runs on a unix socket of a throwaway server (`fsync=off`, as in the tests, and "
           "`max_locks_per_transaction=8192`: with the default, Alembic's single transaction and `psql -1` run out of "
           "shared memory near 1,000 revisions, while migc, committing each revision, needs no such setting); "
           "every run starts from a fresh database.",
           "The floor is the same SQL run by `psql -1 -f` (one transaction), and as one multi-statement message. "
           "The Alembic chains use `op.execute` with exactly the same SQL (which spares Alembic SQLAlchemy's DDL compilation), "
           "and Alembic's default of one transaction for the whole run; migc commits each revision on its own.", ""]
    for label, rows, offline, build in results:
        out += ["## %s" % label, "", "| | migc | Alembic | psql -1 -f | one message | migc / psql -1 -f | migc / Alembic |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in ("upgrade head", "downgrade base"):
            r = rows[row]
            m, a, p = (statistics.median(r[t]) for t in ("migc", "alembic", "psql -1 -f"))
            out.append("| %s | %s | %s | %s | %s | %.2f× | %.2f× |" % (row, cell(r["migc"]), cell(r["alembic"]), cell(r["psql -1 -f"]),
                                                               cell(r["one message"]), m / p, m / a))
        r = rows["already at head"]
        m = statistics.median(r["migc upgrade head"])
        out += ["", "Already at head (a service's start-up check): migc `upgrade head` %s; Alembic `current` %s (%.0f× migc); "
                "Alembic `upgrade head` %s (%.0f× migc)." % (cell(r["migc upgrade head"]), cell(r["alembic current"]),
                                                             statistics.median(r["alembic current"]) / m,
                                                             cell(r["alembic upgrade head"]), statistics.median(r["alembic upgrade head"]) / m), ""]
        out.append("Offline verbs (no database): " + "; ".join("`%s` %s" % (verb, cell(s)) for verb, s in offline.items()) + ".")
        if build:
            b, rb = build
            out += ["", "Build: `migc` %s, plan compile %s, link %s (plan source %.1f MB; migrator %.1f MB, %.0f bytes per revision). "
                    "After editing one revision: `migc` %s + plan compile %s + link %s = %s." % (
                        fmt_seconds(b["migc"]), fmt_seconds(b["plan compile"]), fmt_seconds(b["link"]), b["plan bytes"] / 1e6,
                        b["size"] / 1e6, b["size"] / int(label.split("=")[1]), fmt_seconds(rb["migc"]),
                        fmt_seconds(rb["plan compile"]), fmt_seconds(rb["link"]),
                        fmt_seconds(rb["migc"] + rb["plan compile"] + rb["link"]))]
        out.append("")
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
