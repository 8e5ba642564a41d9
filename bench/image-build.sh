#!/usr/bin/env bash
# Image assembly speed: `kiln image build` of the example busybox and static images (JVM start
# included) against the bound measured in the same run with command-line tools on the same
# bytes: gzip -dc of each package's streams into tar -x (on tmpfs), then tar -c of the tree,
# gzip -6 of the layer, sha256sum of both the tar (diff id) and the gzip (blob digest).
# Goal (issue 3): within 1.3x of the bound; the static image under 2 s end to end.
# The assembly itself is also measured warm in one JVM (bench/ImageWarm.java: the same
# `kiln image build` command, median of 20 after 5 warm-ups), which is the figure to hold against
# the bound; the hyperfine figure adds the JVM's start.
#
# Needs the example catalog (packages built from upstream sources by the example recipes):
# target/example-catalog, left by ExampleCatalogIT (the Failsafe run below).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/example-catalog.sh
work=${BENCH_DIR:-/dev/shm/kiln-bench-image}
rm -rf "$work" && mkdir -p "$work"
./kiln --help >/dev/null   # build the CLI outside the measurement

md="$work/results.md"
for image in static busybox; do
  cfg="$catalog/examples/images/$image.yaml"
  repos=()
  # The exact package files the image installs, from the lock (URLs are relative to the config's folder).
  ./kiln image lock "$cfg" ${repos[@]+"${repos[@]}"} > "$work/$image.lock.json"
  apks=$(cd "$catalog/examples/images" && python3 -c '
import json, os, sys
for p in json.load(open(sys.argv[1]))["contents"]["packages"]:
    print(os.path.realpath(p["url"]))' "$work/$image.lock.json" | tr '\n' ' ')
  echo "$image: $(echo $apks | wc -w) packages, $(du -cb $apks | tail -1 | cut -f1) bytes of APK" >&2
  bound="rm -rf $work/rootfs && mkdir $work/rootfs && for a in $apks; do gzip -dc \$a | tar -xf - -i -C $work/rootfs; done"
  bound="$bound && tar -C $work/rootfs --sort=name --numeric-owner -cf - . | tee >(sha256sum >/dev/null) | gzip -6 | sha256sum >/dev/null"
  hyperfine --warmup 1 --runs "${RUNS:-10}" --shell bash --export-markdown "$work/$image.md" \
    -n "$image: bound (gzip -dc | tar -x; tar -c | gzip -6; sha256sum x2)" "$bound" \
    -n "$image: kiln image build" --prepare "rm -rf $work/out" \
    "./kiln image build $cfg $image:latest $work/out ${repos[*]}"
  cat "$work/$image.md" | tee -a "$md"
  java -cp "$root/kiln-cli/target/kiln.jar" "$root/bench/ImageWarm.java" "$cfg" "$work/warm-out" | tee -a "$md"
done
