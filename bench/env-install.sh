#!/usr/bin/env bash
# Hermetic build environments (issue 12): `kiln build --hermetic` with the environment installed cold
# (resolve, verify, install into the cache, link a private copy) against the same build with the
# environment cached (resolve, link a private copy), in one JVM (bench/EnvInstall.java); and the cold
# install's floor: extracting the same packages' data with tar. The environment is a static busybox plus
# one package holding TREE (default /usr/include: the host's headers, about 9,000 files, 130 MiB, the order of a toolchain's packages).
# With REPO and KEY (e.g. the bootstrap cache's stage-1 repository and keys/bootstrap.rsa.pub), the environment is
# the real build-base and busybox from there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${BENCH_DIR:-/tmp/kiln-bench-env}
tree=${TREE:-/usr/include}
./kiln --help >/dev/null
java -cp "$root/kiln-cli/target/kiln.jar" "$root/bench/EnvInstall.java" "$work" "$tree" "${RUNS:-10}" ${REPO:+"$REPO" "$KEY"}
# The floor: every package's data stream (the last gzip member of an APK) through tar, into a fresh directory.
extract="rm -rf $work/tar && mkdir -p $work/tar && for a in $work/apks/*.apk; do tar -xzf \$a -C $work/tar 2>/dev/null; done"
hyperfine --warmup 1 --runs "${RUNS:-10}" -n 'tar -xzf of the same APKs' "$extract" --export-markdown "$work/tar.md" >/dev/null
cat "$work/tar.md"
