#!/usr/bin/env bash
# skopeo push and pull of a ~200 MB multi-layer image, Kiln vs distribution 2.8 on 127.0.0.1.
# Every push uploads: each run pushes a different image (fresh random layers), to both registries in
# turn, alternating which goes first so that machine noise falls on both alike (median of RUNS); then
# PULLS alternating pulls of one image from each (median).
# Both registries first serve one small push and pull (20 MB), as a registry that has been up a while
# has: otherwise Kiln's first measured push also pays for the JIT compiling its upload path.
source "$(dirname "$0")/registry-lib.sh"
runs=${RUNS:-3}
start_registries
for run in $(seq 1 "$runs"); do make_image "${IMAGE_MIB:-200}" 5 "$work/img$run"; done
make_image 20 2 "$work/warm"
for port in "$KILN_PORT" "$DIST_PORT"; do
  push_image "$work/warm" "$port" bench/warm
  skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/warm:v1" "oci:$work/warm-out:v1"
  rm -rf "$work/warm-out"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
timed() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
declare -A push pull
for run in $(seq 1 "$runs"); do
  order="kiln dist"; [ $((run % 2)) -eq 0 ] && order="dist kiln"
  for name in $order; do
    port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
    push[$name]+="$(timed push_image "$work/img$run" "$port" "bench/big$run") "
  done
done
# Pulls are cheaper and noisier than pushes: PULLS alternating pulls of the first image from each.
for pull_run in $(seq 1 "${PULLS:-10}"); do
  for name in kiln dist; do
    port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
    rm -rf "$work/out"
    pull[$name]+="$(timed skopeo --insecure-policy copy -q --src-tls-verify=false \
      "docker://127.0.0.1:$port/bench/big1:v1" "oci:$work/out:v1") "
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
