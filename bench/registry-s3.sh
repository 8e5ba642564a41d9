#!/usr/bin/env bash
# Registry push/pull over S3: Kiln (`--storage s3://kiln/registry`) vs Debian's docker-registry
# (CNCF distribution 2.8, its s3 driver) against one S3Proxy (filesystem backend) on 127.0.0.1,
# same run. Neither redirects pulls, so both serve blob bytes themselves. skopeo pushes a different
# ~IMAGE_MIB MB image in each of RUNS runs, alternating which registry goes first (median), then
# PULLS alternating pulls of the first image from each (median); one 20 MB push and pull warms both.
# WARM_PULLS (default 2) pulls of that image from each registry come first, unmeasured: a registry
# serves pulls for days, so its steady state is what counts, not its JIT compiling the pull path.
# LOAD=N runs N busy loops (one per core of contention) during the pulls, as other builds on the
# machine would: the registries then compete for CPU, and the one needing less of it per pull wins.
source "$(dirname "$0")/registry-lib.sh"
runs=${RUNS:-3}
S3_PORT=${S3_PORT:-5103}
jar=${S3PROXY_JAR:-$repo/kiln-registry/target/s3proxy/s3proxy.jar}
[ -f "$jar" ] || { echo "no S3Proxy jar at $jar: run mvn -pl kiln-registry generate-test-resources first" >&2; exit 1; }
export AWS_ENDPOINT_URL="http://127.0.0.1:$S3_PORT" AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret

"$repo/kiln" --help >/dev/null   # builds the CLI now if sources changed, not inside the registry's start-up wait
mkdir -p "$work/s3/kiln" "$work/s3/dist"   # buckets are folders of S3Proxy's filesystem backend
cat >"$work/s3proxy.conf" <<CONF
s3proxy.endpoint=$AWS_ENDPOINT_URL
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
CONF
java -Xmx512m -jar "$jar" --properties "$work/s3proxy.conf" >"$work/s3proxy.log" 2>&1 &
S3_PID=$!; pids+=("$S3_PID")
for _ in $(seq 1 300); do curl -s -o /dev/null "$AWS_ENDPOINT_URL/" && break; sleep 0.1; done

"$repo/kiln" registry serve --addr "127.0.0.1:$KILN_PORT" --storage s3://kiln/registry >"$work/kiln.log" 2>&1 &
KILN_PID=$!; pids+=("$KILN_PID")
cat >"$work/dist.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  s3:
    accesskey: $AWS_ACCESS_KEY_ID
    secretkey: $AWS_SECRET_ACCESS_KEY
    region: $AWS_REGION
    regionendpoint: $AWS_ENDPOINT_URL
    bucket: dist
    rootdirectory: /registry
    secure: false
    v4auth: true
  redirect: {disable: true}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$DIST_PORT}
YML
# The Go SDK inside docker-registry refuses to start when AWS_CA_BUNDLE is set (as it is on some CI
# hosts) with its custom transport; the endpoint is plain HTTP, so no bundle is needed.
env -u AWS_CA_BUNDLE /usr/bin/docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
DIST_PID=$!; pids+=("$DIST_PID")
wait_ready "$KILN_PORT"; wait_ready "$DIST_PORT"

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
# CPU time (user + system, clock ticks) a process has used so far: what each side spends per pull, which decides
# who loses when the machine is busy
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
for _ in $(seq 1 "${WARM_PULLS:-2}"); do
  for port in "$KILN_PORT" "$DIST_PORT"; do
    rm -rf "$work/out"
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/big1:v1" "oci:$work/out:v1"
  done
done
declare -A cpu_before
for p in "$KILN_PID" "$DIST_PID" "$S3_PID"; do cpu_before[$p]=$(cpu_ticks "$p"); done
for _ in $(seq 1 "${LOAD:-0}"); do sha256sum /dev/zero & pids+=("$!"); done
for pull_run in $(seq 1 "${PULLS:-5}"); do
  for name in kiln dist; do
    port=$KILN_PORT; [ "$name" = dist ] && port=$DIST_PORT
    rm -rf "$work/out"
    pull[$name]+="$(timed skopeo --insecure-policy copy -q --src-tls-verify=false \
      "docker://127.0.0.1:$port/bench/big1:v1" "oci:$work/out:v1") "
  done
done
for p in "${pids[@]}"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sha256sum ] && kill "$p"; done
hz=$(getconf CLK_TCK)
cpu_during_pulls() { echo "scale=2; ($(cpu_ticks "$1") - ${cpu_before[$1]}) / $hz / ${PULLS:-5}" | bc; }
echo "CPU per pull (user + system, both registries' pulls counted): kiln $(cpu_during_pulls "$KILN_PID") s," \
  "dist $(cpu_during_pulls "$DIST_PID") s, s3proxy $(cpu_during_pulls "$S3_PID") s"
# One blob at a time: GETS curl GETs of the largest layer from each registry, after one warm-up, each
# registry's CPU (from /proc) and wall time per GET: the relay's own cost, without skopeo's parallelism.
layer=$(ls -S "$work/img1/blobs/sha256" | head -1)
for name in kiln dist; do
  port=$KILN_PORT; pid=$KILN_PID; [ "$name" = dist ] && { port=$DIST_PORT; pid=$DIST_PID; }
  url="http://127.0.0.1:$port/v2/bench/big1/blobs/sha256:$layer"
  curl -fs -o /dev/null "$url"
  before=$(cpu_ticks "$pid"); walls=""
  for _ in $(seq 1 "${GETS:-5}"); do walls+="$(curl -fs -o /dev/null -w '%{time_total}' "$url") "; done
  # shellcheck disable=SC2086
  echo "$name: one $(( $(stat -c %s "$work/img1/blobs/sha256/$layer") / 1048576 )) MiB blob GET: CPU" \
    "$(echo "scale=3; ($(cpu_ticks "$pid") - $before) / $hz / ${GETS:-5}" | bc) s, wall median $(median $walls) s"
done
for name in kiln dist; do
  # shellcheck disable=SC2086
  echo "$name: push median $(median ${push[$name]}) s (${push[$name]% }), pull median $(median ${pull[$name]}) s (${pull[$name]% })"
done
# shellcheck disable=SC2086
awk -v kp="$(median ${push[kiln]})" -v dp="$(median ${push[dist]})" -v kl="$(median ${pull[kiln]})" -v dl="$(median ${pull[dist]})" \
  'BEGIN{printf "throughput ratio kiln/dist: push %.2fx, pull %.2fx\n", dp/kp, dl/kl}'
echo "stored: kiln $(du -sm "$work/s3/kiln" | cut -f1) MiB, dist $(du -sm "$work/s3/dist" | cut -f1) MiB (S3Proxy's folders after the run)"
echo "peak RSS: kiln $(( $(awk '/VmHWM/{print $2}' "/proc/$KILN_PID/status") / 1024 )) MiB, dist $(( $(awk '/VmHWM/{print $2}' "/proc/$DIST_PID/status") / 1024 )) MiB, s3proxy $(( $(awk '/VmHWM/{print $2}' "/proc/$S3_PID/status") / 1024 )) MiB"
