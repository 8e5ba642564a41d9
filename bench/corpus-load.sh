#!/usr/bin/env bash
# Corpus load: load, compile and lint all 3,401 Wolfi recipes (one JVM, one thread).
# Goal: under 10 s. The summary line prints Kiln's own count and milliseconds as well.
set -euo pipefail
cd "$(dirname "$0")/.."
./kiln --help >/dev/null
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  "./kiln lint ../shared/corpora/wolfi-os/recipes --pipeline-dir ../shared/corpora/wolfi-os/pipelines --summary"
./kiln lint ../shared/corpora/wolfi-os/recipes --pipeline-dir ../shared/corpora/wolfi-os/pipelines --summary | tail -2 || true
