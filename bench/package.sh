#!/usr/bin/env bash
# Packaging speed: `kiln package` (APK v2: data tar + gzip + SHA-1 per file + SHA-256 of the
# stream + control + RSA signature) against `tar -cf - | gzip -6` of the same 200 MB tree,
# measured in the same run with hyperfine. Goal: kiln no slower than the tar|gzip pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/kiln-bench}
mkdir -p "$work"
bash bench/make-tree.sh "$work/tree" "${BENCH_MB:-200}"
[ -f "$work/bench.rsa" ] || ./kiln keygen "$work/bench.rsa" --bits 2048 >/dev/null
./kiln --help >/dev/null   # build the CLI outside the measurement
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/package.md" \
  -n 'tar -cf - | gzip -6' "tar -C $work/tree -cf - . | gzip -6 > $work/tree.tar.gz" \
  -n 'kiln package' "./kiln package $work/tree --name bench --version 1.0-r0 --signing-key $work/bench.rsa --out $work/bench.apk"
cat "$work/package.md"
