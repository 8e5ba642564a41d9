#!/bin/sh
# The fast tier's cost (issue 16): `mvn -B -o -q test` on built trees, each timed by /usr/bin/time.
#   bench/test-tier.sh [ROUNDS] TREE...
# Each round runs, in every TREE in turn (so that trees compared share the machine's load):
#   edit  - after `touch` of one source file of kiln-vuln: what the compiler plugin does after a one-line edit
#           there (kiln-vuln, then kiln-server and kiln-cli, which depend on it, are recompiled)
#   warm  - nothing changed since the previous run
# Give two trees (one per commit, each built once with `mvn -B -o test-compile`) to compare them.
# Prints: tree scenario wall-seconds user-seconds sys-seconds exit-status.
set -eu
rounds=2
case "${1:-}" in [0-9]*) rounds=$1; shift ;; esac
[ $# -gt 0 ] || { echo "usage: $0 [ROUNDS] TREE..." >&2; exit 2; }
edited=kiln-vuln/src/main/java/dev/kiln/vuln/VulnException.java
run() { # tree scenario
    out=$(mktemp)
    rc=0
    (cd "$1" && /usr/bin/time -f '%e %U %S' -o "$out" mvn -B -o -q test >/dev/null 2>&1) || rc=$?
    echo "$1 $2 $(cat "$out") $rc"
    rm -f "$out"
}
i=0
while [ $i -lt "$rounds" ]; do
    for tree in "$@"; do touch "$tree/$edited"; run "$tree" edit; done
    for tree in "$@"; do run "$tree" warm; done
    i=$((i + 1))
done
