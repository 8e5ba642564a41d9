#!/usr/bin/env bash
# Isolation cost: `kiln build` of examples/recipes/hello.yaml from a warm cache with this tree's
# sandbox (build root mapped to an unprivileged host uid range, mounts staged in a private mount
# namespace, workspace handed to that uid, process and workspace limits) against the same build with
# the sandbox of BASE (default 8dff7bb, the last commit before that isolation), both built from git
# in the same run. Goal: under 1.05x.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${BASE:-8dff7bb}
work=${BENCH_DIR:-/tmp/kiln-bench-isolation}
mkdir -p "$work"
tarball=$(ls upstream-sources/hello_2.10.orig.tar.gz 2>/dev/null || true)
if [ -z "$tarball" ]; then
  ../shared/scripts/upstream-source hello >/dev/null
  tarball=upstream-sources/hello_2.10.orig.tar.gz
fi
if [ ! -f "$work/base/kiln-cli/target/kiln.jar" ]; then
  rm -rf "$work/base"
  git worktree add --detach "$work/base" "$base" >/dev/null
  (cd "$work/base" && mvn -q -B -DskipTests -Dmaven.test.skip=true package -pl kiln-cli -am)
fi
./kiln --help >/dev/null
java -jar kiln-cli/target/kiln.jar source import --cache-dir "$work/cache" "$tarball" >/dev/null
[ -f "$work/bench.rsa" ] || java -jar kiln-cli/target/kiln.jar keygen "$work/bench.rsa" --bits 2048 >/dev/null
build() {
  echo "rm -rf $work/repo-$1 && java -jar $2 build examples/recipes/hello.yaml --offline --state-dir $work/state-$1 --cache-dir $work/cache --out-dir $work/repo-$1 --signing-key $work/bench.rsa >/dev/null 2>&1"
}
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/isolation.md" \
  -n "kiln build hello, sandbox of $base" "$(build base "$work/base/kiln-cli/target/kiln.jar")" \
  -n 'kiln build hello, this sandbox' "$(build head kiln-cli/target/kiln.jar)"
cat "$work/isolation.md"
