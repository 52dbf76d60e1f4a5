#!/usr/bin/env bash
# Revision ids in the comments of a generated plan: a chain whose ids end in a backslash (which
# would splice the next line of the plan into the comment and drop a parent), hold a line end,
# quotes, `*/` or a trigraph, compiled by migc, then by the C++ compiler, and read back.
# usage: plan_comments_test.sh <migc> <c++ compiler> <project source dir>
set -u
migc=$1
cxx=$2
source_dir=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# revision <table> <id> <parent as the .mig writes it>: the file is named after the id.
revision() {
  printf "revision '%s' revises %s\n  message 'revision %s';\n\ncreate table t%s (id integer);\n" "$2" "$3" "$1" "$1" \
    >"$work/chain/$2_x.mig"
}
mkdir "$work/chain"
revision 1 001 base
revision 2 '2\' "'001'"
revision 3 '3"*' "'2\\'"
revision 4 "4??" "'3\"*'"
revision 5 $'5\nx' "'4??'"
revision 6 6 $'\'5\nx\''
revision 7 7 "'6'"

out=$("$migc" compile --name hostile_ids --out-dir "$work/out" "$work/chain" 2>&1); status=$?
if [ $status -ne 0 ]; then echo "FAILED: migc compile: $out"; exit 1; fi
echo "ok: migc compiles the chain"
if ! out=$("$cxx" -std=c++20 -I"$source_dir" -o "$work/printer" "$work/out/hostile_ids_plan.cpp" \
      "$source_dir/tests/compiler/plan_printer.cpp" 2>&1); then
  echo "FAILED: the generated plan does not compile:"; echo "$out"; exit 1
fi
echo "ok: the C++ compiler compiles the plan"
if grep -q "warning" <<<"$out"; then echo "FAILED: warnings:"; echo "$out"; failures=$((failures + 1)); else echo "ok: without a warning"; fi

expected=$(printf '%s\n' '[001] <-' '[2\] <- [001]' '[3"*] <- [2\]' '[4??] <- [3"*]' '[5' 'x] <- [4??]' '[6] <- [5' 'x]' '[7] <- [6]')
actual=$("$work/printer")
if [ "$expected" = "$actual" ]; then
  echo "ok: every revision keeps its id and its parent"
else
  echo "FAILED: the compiled plan differs from the chain:"; diff <(echo "$expected") <(echo "$actual"); failures=$((failures + 1))
fi
if grep -q '^    [0-9]*,  // "2\\\\"$' "$work/out/hostile_ids_plan.cpp"; then
  echo "ok: the id ending in a backslash is quoted in its comment"
else
  echo "FAILED: no quoted comment for 2\\:"; grep -n '//' "$work/out/hostile_ids_plan.cpp" | head -20; failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
