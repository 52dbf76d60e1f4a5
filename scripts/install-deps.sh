#!/usr/bin/env bash
# Installs what building and testing migc needs, from Debian's packages, when something is
# missing. As root it runs apt-get; otherwise it says what to install.
set -euo pipefail

packages=(g++ cmake ninja-build libboost-dev libfmt-dev libpq-dev libssl-dev postgresql-15 postgresql-client-15
          libcli11-dev libgtest-dev libpg-query-dev libprotobuf-c-dev libmimalloc-dev nlohmann-json3-dev util-linux procps python3 clang libclang-rt-14-dev
          python3-alembic python3-psycopg2)  # `migc import alembic` and its test, for /usr/bin/python3

have_everything() {
  command -v g++ >/dev/null && command -v cmake >/dev/null && command -v ninja >/dev/null &&
    command -v psql >/dev/null && command -v setpriv >/dev/null && command -v pgrep >/dev/null && command -v python3 >/dev/null &&
    command -v clang++ >/dev/null && ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 &&
    [ -f /usr/include/boost/spirit/home/x3.hpp ] && [ -f /usr/include/fmt/format.h ] &&
    [ -f /usr/include/postgresql/libpq-fe.h ] && [ -f /usr/include/openssl/evp.h ] && [ -f /usr/include/CLI/CLI.hpp ] &&
    [ -f /usr/include/gtest/gtest.h ] && [ -f /usr/include/pg_query.h ] && [ -f /usr/include/protobuf-c/protobuf-c.h ] && [ -f /usr/include/nlohmann/json.hpp ] && [ -f /usr/include/mimalloc.h ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 &&
    /usr/bin/python3 -c "import alembic, psycopg2" 2>/dev/null
}

if have_everything; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing build or test dependencies; as root, run:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${packages[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
have_everything || { echo "install-deps: packages installed, but something is still missing" >&2; exit 1; }
