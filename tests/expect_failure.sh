#!/usr/bin/env bash
# expect_failure.sh <text> <command>...: passes when the command exits non-zero and its output
# contains <text>; a test that a checker can fail, and fails the way it should.
set -u
expected=$1
shift
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -eq 0 ]; then
  echo "expect_failure: the command succeeded; it should have failed" >&2
  exit 1
fi
if ! grep -qF -- "$expected" <<<"$output"; then
  echo "expect_failure: the output does not contain: $expected" >&2
  exit 1
fi
