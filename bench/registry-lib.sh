#!/usr/bin/env bash
# Shared setup for the registry benchmarks: starts Kiln's registry and Debian's docker-registry
# (CNCF distribution 2.8) side by side on 127.0.0.1, same storage medium, and stops both on exit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${BENCH_WORK:-$(mktemp -d /var/tmp/kiln-registry-bench.XXXXXX)}
KILN_PORT=${KILN_PORT:-5101}
DIST_PORT=${DIST_PORT:-5102}
pids=()
# On failure the servers' logs are kept (the images are not), so a failed run can be read afterwards.
cleanup() {
  local status=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    logs=$(mktemp -d /var/tmp/kiln-registry-bench-logs.XXXXXX)
    cp "$work"/*.log "$logs"/ 2>/dev/null || true
    echo "failed ($status); the servers' logs are in $logs" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$1/v2/" && return 0; sleep 0.1; done
  echo "registry on port $1 did not start" >&2; return 1
}

start_registries() {
  mkdir -p "$work/kiln" "$work/dist"
  "$repo/kiln" registry serve --addr "127.0.0.1:$KILN_PORT" --root "$work/kiln" >"$work/kiln.log" 2>&1 &
  KILN_PID=$!; pids+=("$KILN_PID")
  cat >"$work/dist.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/dist}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$DIST_PORT}
YML
  /usr/bin/docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
  DIST_PID=$!; pids+=("$DIST_PID")
  wait_ready "$KILN_PORT"; wait_ready "$DIST_PORT"
}

rss_kib() { ps -o rss= -p "$1" | tr -d ' '; }

# An OCI layout of about $1 MiB in $2 layers of incompressible data, tagged v1, in $3.
make_image() {
  local total=$1 layers=$2 dir=$3 each diffs="" descs=""
  each=$(( total / layers ))
  mkdir -p "$dir/blobs/sha256" "$dir/src"
  for i in $(seq 1 "$layers"); do
    head -c "${each}M" /dev/urandom >"$dir/src/file$i"
    tar -C "$dir/src" -cf "$dir/layer.tar" "file$i"
    local diff; diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
    gzip -1 -c "$dir/layer.tar" >"$dir/layer.gz"
    local d; d=$(sha256sum "$dir/layer.gz" | cut -d' ' -f1)
    mv "$dir/layer.gz" "$dir/blobs/sha256/$d"
    diffs="$diffs${diffs:+,}\"sha256:$diff\""
    descs="$descs${descs:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$(stat -c %s "$dir/blobs/sha256/$d")}"
  done
  rm -rf "$dir/src" "$dir/layer.tar"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$dir/config"
  local c; c=$(sha256sum "$dir/config" | cut -d' ' -f1)
  local csize; csize=$(stat -c %s "$dir/config"); mv "$dir/config" "$dir/blobs/sha256/$c"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$c" "$csize" "$descs" >"$dir/manifest"
  local m; m=$(sha256sum "$dir/manifest" | cut -d' ' -f1)
  local msize; msize=$(stat -c %s "$dir/manifest"); mv "$dir/manifest" "$dir/blobs/sha256/$m"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$m" "$msize" >"$dir/index.json"
}

push_image() { skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$1:v1" "docker://127.0.0.1:$2/$3:v1"; }
