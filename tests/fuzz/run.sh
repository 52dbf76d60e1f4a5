#!/usr/bin/env bash
# Runs a fuzz target for a bounded time on a seed corpus of every .mig in the repository and
# every regression input; any crash, hang, leak or sanitizer report fails it.
# usage: run.sh <fuzz binary> <seconds> <repository root>
set -euo pipefail
target=$1
seconds=$2
root=$3
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
i=0
for f in $(find "$root/migrations" "$root/tests" -name '*.mig' | sort); do
  cp "$f" "$corpus/seed_$i.mig"; i=$((i + 1))
done
if [ -d "$root/tests/fuzz/regressions" ]; then cp "$root"/tests/fuzz/regressions/* "$corpus"/ 2>/dev/null || true; fi
# Seeds at size, so that mutations start from fragments and chains as large as real ones get:
# long expressions, long strings and comments, many statements in one raw step.
# The fragment target takes them; the chain targets would spend their time printing excerpts of
# their one long line.
[ "$(basename "$target")" = fuzz_sql ] && python3 - "$corpus" <<'PY'
import sys
corpus = sys.argv[1]
terms = " + ".join("coalesce(a%d, 'x''%d' || $q$;)$q$)::text" % (i, i) for i in range(3000))
seeds = {
    "big_expression.sql": terms,
    "big_string.sql": "E'" + "\\'; drop table t; /* ( " * 10000 + "'",
    "big_case.sql": "case " + " ".join("when a = %d then 'v%d'" % (i, i) for i in range(4000)) + " else null end",
    "big_raw_step.sql": ";\n".join("update t set c = %d where id = %d /* %d */" % (i, i, i) for i in range(10000)),
    "big_revision.mig": "revision '001' revises base;\ncreate table t (id integer primary key, a text check (" + terms + "));\n"
                        + "\n".join("insert into t (id, a) values (%d, 'x') down $$ delete from t where id = %d $$;" % (i, i) for i in range(2000)),
}
for name, text in seeds.items():
    with open(f"{corpus}/{name}", "w") as out:
        out.write(text)
PY
artifacts=$(mktemp -d)
# Inputs up to 1 MB: a chain's size, not libFuzzer's default of the largest seed.
"$target" -max_total_time="$seconds" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$corpus" 2>&1 | tail -25
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "fuzzing found a problem; the input is in $artifacts: add it to tests/fuzz/regressions/"
  ls "$artifacts"
fi
exit "$status"
