#!/usr/bin/env bash
# The release metadata agrees with its one source, project(VERSION): both programs' --version,
# the newest CHANGELOG.md entry, and the licence a legal review looks for.
# usage: release_test.sh <source dir> <project version> <migc> <a migrator>
set -u
source_dir=$1
version=$2
migc=$3
migrator=$4
failures=0
check() {  # check <description> <expected> <actual>
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1: expected [$2], got [$3]"; failures=$((failures + 1)); fi
}

check "migc --version" "migc $version" "$("$migc" --version)"
check "the migrator's --version" "$(basename "$migrator") (migc $version)" "$("$migrator" --version)"
newest=$(grep -m1 -E '^## \[[0-9]' "$source_dir/CHANGELOG.md" | sed -E 's/^## \[([^]]*)\].*/\1/')
check "the newest CHANGELOG.md release is project(VERSION)" "$version" "$newest"
check "CHANGELOG.md keeps an Unreleased section" "## [Unreleased]" "$(grep -m1 -F '## [Unreleased]' "$source_dir/CHANGELOG.md")"
check "LICENSE is the Apache License 2.0" "Apache License|Version 2.0, January 2004" \
  "$(sed -n 's/^ *//; 2p' "$source_dir/LICENSE")|$(sed -n 's/^ *//; 3p' "$source_dir/LICENSE")"
# A tag on this commit must be the version, or `GIT_TAG v<version>` fetches something else.
if tag=$(git -C "$source_dir" describe --tags --exact-match 2>/dev/null); then
  check "the tag on this commit is v<version>" "v$version" "$tag"
else
  echo "ok: (this commit carries no tag)"
fi

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
