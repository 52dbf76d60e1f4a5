#!/usr/bin/env bash
# Deleting the root revision's file must fail compilation, naming the orphaned revision.
# usage: build_fails_test.sh <migc> <migrations dir>
set -u
migc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$2"/*.mig "$work"/
rm "$work"/001_*.mig
output=$("$migc" check "$work" 2>&1)
status=$?
printf '%s\n' "$output"
[ "$status" -eq 1 ] || { echo "FAILED: migc exited $status, expected 1"; exit 1; }
grep -qF "6e6302f1ccb6_core_smartem_schema.mig:4:33: error: revision \`6e6302f1ccb6\` revises \`001\`, which does not exist [UnknownParent]" <<<"$output" \
  || { echo "FAILED: the orphaned revision is not named"; exit 1; }
echo "ok: deleting 001 fails with a message naming 6e6302f1ccb6"

# A lint is a warning (exit 0) until --werror makes it an error (exit 1).
lint=$(mktemp -d)
trap 'rm -rf "$work" "$lint"' EXIT
printf "revision '001' revises base;\ncreate table t (id integer primary key, a integer);\n" >"$lint/001_root.mig"
printf "revision '002' revises '001';\ncreate index t_a on t (a);\n" >"$lint/002_index.mig"
"$migc" check "$lint" >/dev/null 2>&1 || { echo "FAILED: a lint alone failed the check"; exit 1; }
output=$("$migc" check --werror "$lint" 2>&1)
[ $? -eq 1 ] || { echo "FAILED: --werror did not fail on a lint"; exit 1; }
grep -qF "002_index.mig:2:14: error: building index \`t_a\` without \`concurrently\`" <<<"$output" \
  || { echo "FAILED: --werror did not report the lint as an error: $output"; exit 1; }
echo "ok: --werror turns lints into errors"
