#!/usr/bin/env python3
"""How `migc compile` scales with a chain that adds one view per revision: the time for 2N
revisions against the time for N. A compiler whose work per revision grows with the views
already made (one that renders every view again for each revision's down proof) takes near 4
times as long for twice the chain; a linear one, 2.

usage: bench/compile_views.py [--migc build/compiler/migc] [--revisions 1000] [--runs 5]"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_chain(directory, revisions):
    os.makedirs(directory)
    with open(os.path.join(directory, "0001_base.mig"), "w") as f:
        f.write("revision '0001' revises base;\ncreate table t (id integer primary key, a integer, b text);\n")
    for i in range(2, revisions + 1):
        with open(os.path.join(directory, "%04d_view.mig" % i), "w") as f:
            f.write("revision '%04d' revises '%04d';\n"
                    "create view v%d as select id, a + %d as x, b from t where a > %d;\n" % (i, i - 1, i, i, i))


def timed(migc, chain, out):
    start = time.perf_counter()
    subprocess.run([migc, "compile", "--name", "views", "--source-root", chain, "--out-dir", out, chain],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--migc", default=os.path.join(REPO, "build", "compiler", "migc"))
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="migc-views.")
    sizes = [args.revisions, 2 * args.revisions]
    for size in sizes:
        write_chain(os.path.join(work, str(size)), size)
    times = {size: [] for size in sizes}
    for _ in range(args.runs):
        for size in sizes:  # interleaved, so that the machine's drift falls on both
            times[size].append(timed(args.migc, os.path.join(work, str(size)), os.path.join(work, "out")))
    for size in sizes:
        print("%5d view revisions: %.2f s median [%.2f-%.2f]" % (size, statistics.median(times[size]), min(times[size]), max(times[size])))
    print("ratio %d/%d: %.2f (linear: 2, quadratic: 4)" % (sizes[1], sizes[0],
                                                          statistics.median(times[sizes[1]]) / statistics.median(times[sizes[0]])))


if __name__ == "__main__":
    main()
