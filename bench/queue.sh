#!/usr/bin/env bash
# Build queue throughput and lease recovery (bench/QueueBench.java) on a throw-away PostgreSQL from Debian's
# postgresql package (initdb in a temporary directory, 127.0.0.1, fsync off as in the tests; as root the
# server runs as nobody). JOBS empty jobs per round (default 2000).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/kiln" --help >/dev/null   # builds the CLI jar when sources changed
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /var/tmp/kiln-queue-bench.XXXXXX)
chmod 755 "$work"
port=${PG_PORT:-5433}
as=(); [ "$(id -u)" = 0 ] && { as=(runuser -u nobody --); chown nobody "$work"; }
cleanup() { "${as[@]}" "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
"${as[@]}" "$bin/initdb" -D "$work/data" -U kiln --auth=trust --no-sync >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$work/data" -w -l "$work/server.log" \
  -o "-h 127.0.0.1 -p $port -k $work/data -c fsync=off" start >/dev/null
for db in q1 q2 q4 lease; do "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U kiln "$db"; done
java -cp "$repo/kiln-cli/target/kiln.jar" "$repo/bench/QueueBench.java" \
  "jdbc:postgresql://127.0.0.1:$port/" "${JOBS:-2000}"
