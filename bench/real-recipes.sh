#!/usr/bin/env bash
# Real Wolfi recipes built unmodified against Kiln's catalog (issue 12's goal: at least 90 % of those whose
# dependencies Kiln has build and pass their tests). The sample is bench/real-recipes.py's: recipes whose
# upstream tarball Debian's archive serves byte for byte. Each is built hermetically (`kiln build --hermetic
# --offline`) from the repositories given, its tarball imported into the source cache first, and classified:
#   passed       built, and its test pipeline (if any) passed
#   test-failed  built, its test failed
#   build-failed the build failed
#   unresolved   its build or test environment names a package the repositories do not have
#   no-source    its tarball could not be downloaded from Debian's archive, or its local files (patches) are not
#                in the corpus
# Prints one row per recipe (with the first error line) and the totals, as rows of bench/RESULTS.md.
#
# Environment: REPOS (space-separated APK repository roots, each with an ARCH folder; e.g. the bootstrap
# cache's stage-1 repository), KEYS (space-separated public keys or folders of keys for them), CORPUS (default
# ../shared/corpora/wolfi-os/recipes), PIPELINES (the recipes' own pipelines, melange's --pipeline-dir; default
# the corpus's pipelines folder beside CORPUS), WORK (default /tmp/kiln-real-recipes), ONLY (space-separated recipe
# names, default the whole sample), KILN (the command, default ./kiln), TEST_PACKAGES (added to every test
# environment, as Wolfi's build appends its base set with melange's --test-package-append; default busybox).
set -euo pipefail
cd "$(dirname "$0")/.."
kiln=${KILN:-./kiln}
corpus=${CORPUS:-../shared/corpora/wolfi-os/recipes}
pipelines=${PIPELINES:-$corpus/../pipelines}
work=${WORK:-/tmp/kiln-real-recipes}
mkdir -p "$work/sources" "$work/logs" "$work/out"
[ -n "${REPOS:-}" ] || { echo "real-recipes: set REPOS to the APK repositories to build from" >&2; exit 2; }

python3 bench/real-recipes.py "$corpus" --urls > "$work/urls"
while read -r url; do
  file="$work/sources/${url##*/}"
  if [ ! -s "$file" ]; then
    curl -fsS -o "$file.part" "$url" && mv -f "$file.part" "$file" || echo "real-recipes: cannot download $url" >&2
  fi
done < "$work/urls"
$kiln source import --cache-dir "$work/cache" "$work"/sources/* > /dev/null

# The corpus's pipelines that Kiln does not have built in (test/fonts, py/*, ...): a pipeline directory wins over
# the built-ins, and Kiln's own test pipelines (test/docs, test/tw/ldd-check, ...) must stay in use.
overlay="$work/pipelines"
rm -rf "$overlay" && cp -r "$pipelines" "$overlay"
while read -r name; do rm -f "$overlay/$name.yaml"; done < kiln-recipe/src/main/resources/dev/kiln/recipe/pipelines/index.txt

# The sample's own packages are a repository too: some sample recipes build on others (perl modules).
[ -f "$work/sample.rsa" ] || $kiln keygen "$work/sample.rsa" > /dev/null
arch=$(uname -m)
if [ ! -f "$work/out/$arch/APKINDEX.tar.gz" ]; then   # an empty signed index until the first recipe publishes
  mkdir -p "$work/out/$arch"
  $kiln index --out-dir "$work/out" --arch "$arch" --signing-key "$work/sample.rsa" > /dev/null
fi
args=(build --hermetic --offline --json --cache-dir "$work/cache" --out-dir "$work/out" --state-dir "$work/state"
  --pipeline-dir "$overlay" --signing-key "$work/sample.rsa" --keyring-append "$work/sample.rsa.pub"
  --repository-append "$work/out")
for p in ${TEST_PACKAGES-busybox}; do args+=(--test-package-append "$p"); done
for r in $REPOS; do args+=(--repository-append "$r"); done
for k in ${KEYS:-}; do args+=(--keyring-append "$k"); done

declare -A count=()
echo "| recipe | outcome | seconds | first error |"
echo "|---|---|---|---|"
declare -A outcomes=() rows=()
# one recipe: build, test, classify (into outcomes[] and rows[])
build_one() {
  local name=$1 log start rc seconds error outcome
  log="$work/logs/$name.jsonl"
  start=$(date +%s.%N)
  $kiln "${args[@]}" "$corpus/$name.yaml" > "$log" 2>&1 && rc=0 || rc=$?
  seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
  # the first error; for an unresolvable environment, the package that nothing provides
  error=$(grep -m1 '"event":"error"' "$log" | python3 -c '
import json, re, sys
line = sys.stdin.read()
message = json.loads(line)["message"] if line else ""
missing = re.search(r"(\S+): no package provides it", message)
print("needs " + missing.group(1) if missing else message[:160])' | tr '|\n' '/ ' || true)
  if [ "$rc" = 0 ]; then
    outcome=passed
  elif grep -qiE 'offline|source cache|not cached|: not in ' <<< "$error" || grep -qiE '\.(patch|diff): no such file' "$log"; then
    # (the corpus holds recipes without the local files beside them, such as their patches)
    outcome=no-source
  elif grep -qiE '^needs |cannot resolve|unresolv|no package (provides|named)|not (found )?in (the|any) repositor' <<< "$error"; then
    outcome=unresolved
  elif grep -qiE '\btest' <<< "$error"; then
    outcome=test-failed
  else
    outcome=build-failed
  fi
  outcomes[$name]=$outcome
  rows[$name]="| $name | $outcome | $seconds | $error |"
}

names=${ONLY:-$(python3 bench/real-recipes.py "$corpus" --names)}
for name in $names; do build_one "$name"; done
# a second pass for those that lacked a package another sample recipe has built since
for name in $names; do
  if [ "${outcomes[$name]}" = unresolved ]; then build_one "$name"; fi
done
for name in $names; do
  echo "${rows[$name]}"
  count[${outcomes[$name]}]=$(( ${count[${outcomes[$name]}]:-0} + 1 ))
done
echo
for o in passed test-failed build-failed unresolved no-source; do echo "$o: ${count[$o]:-0}"; done
