#!/usr/bin/env bash
# Blob GET throughput of one ~200 MB layer with curl (5 runs, best), Kiln vs distribution 2.8.
source "$(dirname "$0")/registry-lib.sh"
start_registries
hwm_kib() { awk '/VmHWM/{print $2}' "/proc/$1/status"; }
echo "idle RSS: kiln $(( $(rss_kib "$KILN_PID") / 1024 )) MiB, dist $(( $(rss_kib "$DIST_PID") / 1024 )) MiB (KILN_JAVA_OPTS='${KILN_JAVA_OPTS:-}')"
make_image "${IMAGE_MIB:-200}" 1 "$work/img"
push_image "$work/img" "$KILN_PORT" bench/blob
push_image "$work/img" "$DIST_PORT" bench/blob
layer=$(ls -S "$work/img/blobs/sha256" | head -1)
for name in kiln dist; do
  port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
  best=0
  for run in 1 2 3 4 5; do
    speed=$(curl -fs -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$port/v2/bench/blob/blobs/sha256:$layer")
    best=$(awk -v a="$best" -v b="$speed" 'BEGIN{print (b>a)?b:a}')
  done
  echo "$name: best $(awk -v b="$best" 'BEGIN{printf "%.0f", b/1048576}') MiB/s"
done
echo "peak RSS after pushes and GETs: kiln $(( $(hwm_kib "$KILN_PID") / 1024 )) MiB, dist $(( $(hwm_kib "$DIST_PID") / 1024 )) MiB"
