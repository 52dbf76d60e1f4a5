#!/usr/bin/env bash
# Revision ids that would be hostile in a generated plan's comments or a build's file lists (a
# trailing backslash splices the next line of a `//` comment; a line end, quotes, `*/`, a
# trigraph) are refused by migc, each at its id, and nothing is generated. What ids may hold,
# letters, digits, `_` and `.`, is safe everywhere; messages and paths, which may hold anything,
# reach the plan only as string literals (the fuzzed chain, `fuzz.generated_plan`, compiles and
# runs such a plan).
# usage: plan_comments_test.sh <migc>
set -u
migc=$1
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

out=$("$migc" compile --name hostile_ids --out-dir "$work/out" "$work/chain" 2>&1); status=$?
if [ $status -eq 0 ]; then echo "FAILED: migc accepted hostile ids"; failures=$((failures + 1)); else echo "ok: migc refuses the chain"; fi
for unsafe in '`\`' '`"`' '`?`' 'the control character \x0a'; do
  if grep -qF "a revision id cannot hold $unsafe" <<<"$out"; then
    echo "ok: an id holding $unsafe is refused"
  else
    echo "FAILED: no InvalidRevisionId for $unsafe in:"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1))
  fi
done
if [ -e "$work/out/hostile_ids_plan.cpp" ]; then echo "FAILED: a plan was generated"; failures=$((failures + 1)); else echo "ok: nothing generated"; fi

# A chain's name starts the generated files' names: one that is a path out of --out-dir is refused.
mkdir -p "$work/safe/chain" "$work/safe/out/a/b"
printf "revision '1' revises base;\ncreate table t (id integer);\n" >"$work/safe/chain/1_x.mig"
for name in '../escaped' '/tmp/escaped' '.hidden' 'a\b'; do
  if "$migc" compile --name "$name" --out-dir "$work/safe/out/a/b" "$work/safe/chain" >/dev/null 2>&1; then
    echo "FAILED: --name $name accepted"; failures=$((failures + 1))
  else
    echo "ok: --name $name refused"
  fi
done
if [ -n "$(find "$work/safe" -name '*_plan.cpp')" ] || [ -e /tmp/escaped_plan.cpp ]; then
  echo "FAILED: a plan was written"; failures=$((failures + 1))
fi

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
