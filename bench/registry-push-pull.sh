#!/usr/bin/env bash
# skopeo push and pull of a ~200 MB multi-layer image, Kiln vs distribution 2.8 (3 runs each, best time).
source "$(dirname "$0")/registry-lib.sh"
start_registries
make_image "${IMAGE_MIB:-200}" 5 "$work/img"
best() { local b=""; for t in "$@"; do if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi; done; echo "$b"; }
for name in kiln dist; do
  port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
  pushes=(); pulls=()
  for run in 1 2 3; do
    s=$(date +%s.%N); push_image "$work/img" "$port" "bench/big$run"; e=$(date +%s.%N)
    pushes+=("$(echo "$e - $s" | bc)")
    rm -rf "$work/out"
    s=$(date +%s.%N)
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/big$run:v1" "oci:$work/out:v1"
    e=$(date +%s.%N); pulls+=("$(echo "$e - $s" | bc)")
  done
  # runs 2 and 3 push blobs the registry already holds (HEAD finds them), so run 1 is the upload figure
  echo "$name: push runs ${pushes[*]} s (first uploads), pull best $(best "${pulls[@]}") s"
done
