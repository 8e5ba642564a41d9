#!/usr/bin/env bash
# Slow-body attack: 1,000 upload bodies at one byte every two seconds, each from its own loopback
# address, against `kiln registry serve`, while a GET /v2/ on a fresh connection is timed every
# 100 ms. Runs twice: with the default limits (slow bodies are cut off and reopened), and with
# --min-upload-rate 0 so all 1,000 stay open the whole time and only the separation of uploads
# from reads protects the GETs.
#   bench/registry-slowloris.sh [BODIES=1000] [SECONDS=30]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bodies=${1:-1000}
seconds=${2:-30}
port=${KILN_PORT:-5111}
work=$(mktemp -d /var/tmp/kiln-slowloris.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 8192

# Builds the CLI first if its sources changed, so the start-up wait below is only the server's.
"$repo/kiln" --version >/dev/null

run() {
  "$repo/kiln" registry serve --addr "127.0.0.1:$port" --root "$work/root" "$@" >"$work/kiln.log" 2>&1 &
  pid=$!
  ready=
  for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/v2/" && { ready=1; break; }; sleep 0.1; done
  [ -n "$ready" ] || { echo "registry did not start; log:" >&2; cat "$work/kiln.log" >&2; exit 1; }
  java "$repo/bench/SlowBodies.java" "$port" "$bodies" "$seconds"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

echo "== defaults"
run
echo "== --min-upload-rate 0 (bodies never cut off)"
run --min-upload-rate 0
