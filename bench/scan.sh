#!/usr/bin/env bash
# Scanner: (1) load + validate the Wolfi advisory corpus (1,616 documents, 30,030 advisories), goal < 5 s;
# (2) inventory and match a 500-package rootfs against that 30k-advisory store, goal < 3 s including JVM
# start (memory < 512 MB, checked with -Xmx512m). Peer in the same run: `cat` of the corpus (the I/O floor).
# The scan is timed twice: with the JVM's defaults, and with C1 only (-XX:TieredStopAtLevel=1), which suits a
# short-lived CLI on 2 cores where C2's compiler threads compete with the work. (3) warm figures in one JVM
# (bench/ScanWarm.java): inventory + match, goal < 1 s. (4) the same scan reading a feed compiled by
# `kiln advisory compile` instead of the 1,616 documents.
# The fixture's packages are named after corpus origins at version 0.0.1-r0, so every advisory filed under
# them is really evaluated.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpora/wolfi-advisories
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/etc" "$work/rootfs/usr/lib/apk/db" "$work/rootfs/lib"
printf 'ID=kiln\nVERSION_ID=1\n' > "$work/rootfs/etc/os-release"
ln -s ../usr/lib/apk "$work/rootfs/lib/apk"
ls "$corpus" | grep '\.advisories\.yaml$' | awk 'NR <= 500' | sed 's/\.advisories\.yaml$//' | while read -r name; do
  printf 'P:%s\nV:0.0.1-r0\nA:x86_64\no:%s\nF:usr/bin\nR:%s\n\n' "$name" "$name" "$name"
done > "$work/rootfs/usr/lib/apk/db/installed"
./kiln --help >/dev/null
./kiln advisory compile "$corpus" --out "$work/feed.bin" >/dev/null
export KILN_JAVA_OPTS="-Xmx512m"
hyperfine --warmup 1 --runs "${RUNS:-5}" -i \
  -n "cat corpus" "cat $corpus/*.yaml > /dev/null" \
  -n "kiln advisory validate (corpus)" "./kiln advisory validate $corpus" \
  -n "kiln scan (500 packages, 30k advisories)" "./kiln scan $work/rootfs --advisories $corpus --format json" \
  -n "kiln scan, C1 only" "KILN_JAVA_OPTS='-Xmx512m -XX:TieredStopAtLevel=1' ./kiln scan $work/rootfs --advisories $corpus --format json" \
  -n "kiln scan, compiled feed" "./kiln scan $work/rootfs --advisories $work/feed.bin --format json"
./kiln advisory validate "$corpus" | tail -1
./kiln scan "$work/rootfs" --advisories "$corpus" | grep vulnerabilities
/usr/bin/time -f "peak RSS of kiln scan: %M KB" ./kiln scan "$work/rootfs" --advisories "$corpus" --format json >/dev/null
java -Xmx512m -cp kiln-cli/target/kiln.jar bench/ScanWarm.java "$corpus" "$work/rootfs"
