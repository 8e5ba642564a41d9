#!/usr/bin/env bash
# Manifest GET by tag, 10 s at 16 and 64 connections with wrk: requests/s and p99, Kiln vs distribution 2.8.
source "$(dirname "$0")/registry-lib.sh"
start_registries
make_image 4 2 "$work/img"
push_image "$work/img" "$KILN_PORT" bench/app
push_image "$work/img" "$DIST_PORT" bench/app
echo "idle RSS KiB: kiln $(rss_kib "$KILN_PID")  distribution $(rss_kib "$DIST_PID")"
cat >"$work/accept.lua" <<'LUA'
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
for c in 16 64; do
  for name in kiln dist; do
    port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
    curl -fs -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://127.0.0.1:$port/v2/bench/app/manifests/v1"
    out=$(wrk -t2 -c"$c" -d10s --latency -s "$work/accept.lua" "http://127.0.0.1:$port/v2/bench/app/manifests/v1")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    pid=$KILN_PID; [ "$name" = dist ] && pid=$DIST_PID
    echo "c=$c $name: ${rps} req/s, p99 ${p99}, non-2xx ${non2xx:-0}, RSS after load $(rss_kib "$pid") KiB"
  done
done
