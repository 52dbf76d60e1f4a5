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
