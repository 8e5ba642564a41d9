#!/usr/bin/env bash
# Rebuild graph: `kiln graph` of all 3,401 Wolfi recipes (load, compile, resolve every build
# environment with its runtime closure, order, break cycles) against its floor measured in the
# same run, `kiln lint --summary` of the same recipes (load and compile, nothing resolved).
set -euo pipefail
cd "$(dirname "$0")/.."
./kiln --help >/dev/null
corpus=../shared/corpora/wolfi-os
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  -n lint "./kiln lint $corpus/recipes --pipeline-dir $corpus/pipelines --summary" \
  -n graph "./kiln graph --catalog $corpus/recipes --pipeline-dir $corpus/pipelines --arch x86_64"
./kiln graph --catalog $corpus/recipes --pipeline-dir $corpus/pipelines --arch x86_64 \
  | awk '/^# cycle/ {c++; if (/bootstrap package/) b++} !/^#/ {n++} END {printf "%d recipes ordered, %d cycles broken (%d at bootstrap edges)\n", n, c, b}'
