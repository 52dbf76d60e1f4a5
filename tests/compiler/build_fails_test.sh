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
