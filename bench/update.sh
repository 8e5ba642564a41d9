#!/usr/bin/env bash
# Update bot (issue 7): (1) tag-to-publish latency: a fixture upstream (a local git repository with a small
# C project) gets a new tag and `kiln update run --once` checks, bumps, builds and tests it in the sandbox
# and publishes the APK; the figure is wall clock from the tag to the exit, JVM start included (goal < 60 s).
# Repeated for RUNS successive tags. (2) catalog check: `kiln update check` over the 3,401 Wolfi recipes with
# every monitor answered by bench/update-fixture-server.py on 127.0.0.1: GitHub GraphQL and
# release-monitoring APIs by flag, and the git monitors' ls-remote through a copy of the corpus whose
# git-checkout repositories point at the fixture (goal < 30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=../shared/corpora/wolfi-os/recipes
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
./kiln --help >/dev/null

# ---- (1) tag-to-publish ----
up="$work/upstream"
mkdir -p "$up" "$work/catalog"
git -C "$up" init -q -b main
git -C "$up" config user.email bench@kiln.invalid
git -C "$up" config user.name bench
write_upstream() {
  printf '#include <stdio.h>\nint main(void) { puts("greet %s"); return 0; }\n' "$1" > "$up/main.c"
  printf 'PREFIX ?= /usr\nall: greet\ngreet: main.c\n\t$(CC) $(CFLAGS) $(LDFLAGS) -o $@ main.c\ninstall: all\n\tinstall -Dm755 greet $(DESTDIR)$(PREFIX)/bin/greet\n.PHONY: all install\n' > "$up/Makefile"
  git -C "$up" add -A && git -C "$up" commit -q -m "$1" && git -C "$up" tag "v$1"
}
write_upstream 1.0.0
cat > "$work/catalog/greet.yaml" <<YAML
package:
  name: greet
  version: "1.0.0"
  epoch: 0
  description: "greets"
  copyright:
    - license: MIT
pipeline:
  - uses: git-checkout
    with:
      repository: file://$up
      tag: v\${{package.version}}
      expected-commit: $(git -C "$up" rev-parse HEAD)
  - uses: autoconf/make
  - uses: autoconf/make-install
test:
  pipeline:
    - runs: greet | grep -q greet
update:
  enabled: true
  git:
    strip-prefix: v
YAML
./kiln keygen "$work/k.rsa" --bits 2048 >/dev/null
opts=(--catalog "$work/catalog" --state-dir "$work/state" --out-dir "$work/packages" --signing-key "$work/k.rsa"
      --source-date-epoch 1700000000)
./kiln build "$work/catalog/greet.yaml" --out-dir "$work/packages" --signing-key "$work/k.rsa" \
  --cache-dir "$work/state/cache" >/dev/null
arch=$(ls "$work/packages")
for i in $(seq 1 "${RUNS:-3}"); do
  v="1.$i.0"
  write_upstream "$v"
  start=$(date +%s.%N)
  ./kiln update run --once "${opts[@]}" >"$work/run.log" 2>&1 || { cat "$work/run.log"; exit 1; }
  end=$(date +%s.%N)
  test -f "$work/packages/$arch/greet-$v-r0.apk"
  printf 'tag v%s -> greet-%s-r0.apk published: %.2f s\n' "$v" "$v" "$(echo "$end - $start" | bc)"
done
start=$(date +%s.%N)
./kiln update run --once "${opts[@]}" >/dev/null
printf 'nothing new (check only): %.2f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"

# ---- (2) catalog check over the Wolfi recipes ----
python3 bench/update-fixture-server.py "$work/port" & server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
mkdir -p "$work/wolfi"
# only the git-checkout repositories change; GitHub and release-monitoring monitors go through the API flags
for f in "$corpus"/*.yaml; do
  sed -E "s#^(\s+repository: )(https?|git)://#\1http://127.0.0.1:$port/git/#" "$f" > "$work/wolfi/${f##*/}"
done
check=(./kiln update check --catalog "$work/wolfi" --github-api "http://127.0.0.1:$port"
       --release-monitoring-api "http://127.0.0.1:$port" --json)
start=$(date +%s.%N)
"${check[@]}" > "$work/check.jsonl" || true
end=$(date +%s.%N)
printf 'catalog check, %s recipes: %.2f s\n' "$(ls "$work/wolfi" | wc -l)" "$(echo "$end - $start" | bc)"
grep -o '"status":"[A-Z_]*"' "$work/check.jsonl" | sort | uniq -c
grep -o '"monitor":"[a-z-]*' "$work/check.jsonl" | sort | uniq -c
