#!/usr/bin/env bash
# skopeo push and pull of a ~200 MB multi-layer image, Kiln vs distribution 2.8 on 127.0.0.1.
# Every push uploads: each run pushes a different image (fresh random layers), to both registries in
# turn, alternating which goes first so that machine noise falls on both alike. Medians of RUNS.
source "$(dirname "$0")/registry-lib.sh"
runs=${RUNS:-3}
start_registries
for run in $(seq 1 "$runs"); do make_image "${IMAGE_MIB:-200}" 5 "$work/img$run"; done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
timed() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
declare -A push pull
for run in $(seq 1 "$runs"); do
  order="kiln dist"; [ $((run % 2)) -eq 0 ] && order="dist kiln"
  for name in $order; do
    port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
    push[$name]+="$(timed push_image "$work/img$run" "$port" "bench/big$run") "
    rm -rf "$work/out"
    pull[$name]+="$(timed skopeo --insecure-policy copy -q --src-tls-verify=false \
      "docker://127.0.0.1:$port/bench/big$run:v1" "oci:$work/out:v1") "
  done
done
for name in kiln dist; do
  # shellcheck disable=SC2086
  echo "$name: push median $(median ${push[$name]}) s (${push[$name]% }), pull median $(median ${pull[$name]}) s (${pull[$name]% })"
done
# shellcheck disable=SC2086
awk -v kp="$(median ${push[kiln]})" -v dp="$(median ${push[dist]})" -v kl="$(median ${pull[kiln]})" -v dl="$(median ${pull[dist]})" \
  'BEGIN{printf "throughput ratio kiln/dist: push %.2fx, pull %.2fx\n", dp/kp, dl/kl}'
echo "peak RSS: kiln $(( $(awk '/VmHWM/{print $2}' "/proc/$KILN_PID/status") / 1024 )) MiB ($(grep -E 'RssAnon|RssFile' "/proc/$KILN_PID/status" | tr -s ' \n' ' ')), dist $(( $(awk '/VmHWM/{print $2}' "/proc/$DIST_PID/status") / 1024 )) MiB"
