#!/usr/bin/env bash
# Toolchain bootstrap: the wall time of each stage of `kiln bootstrap` (stage 1 over the host's toolchain,
# stage 2 in stage-1 packages, stage 3 in stage-2 packages), then of a second run, which must build nothing,
# printed as a row of bench/RESULTS.md's table. Environment: PLAN (default bootstrap/plan.yaml), STAGE (run
# stages 1 to STAGE, default 3), ONLY (comma-separated recipes of the plan), BENCH_DIR (the bootstrap cache goes
# to BENCH_DIR/bootstrap-cache, default /tmp/kiln-bench; delete it for a cold run), SOURCES (upstream source
# files to import, default upstream-sources). The full plan takes hours on 2 cores: run it detached.
set -euo pipefail
cd "$(dirname "$0")/.."
plan=${PLAN:-bootstrap/plan.yaml}
work=${BENCH_DIR:-/tmp/kiln-bench}
mkdir -p "$work"
args=(bootstrap "$plan" --cache-dir "$work/bootstrap-cache" --stage "${STAGE:-3}" --sources "${SOURCES:-upstream-sources}" --json)
[ -n "${ONLY:-}" ] && args+=(--only "$ONLY")
run() { # the final {"event":"bootstrap",...} line of one run, the full output kept beside it
  ./kiln "${args[@]}" > "$work/bootstrap-$1.jsonl" || true
  grep '"event":"bootstrap"' "$work/bootstrap-$1.jsonl" | tail -n 1
}
first=$(run first)
second=$(run second)
python3 - "$first" "$second" "${ONLY:-all of $plan}" <<'PY'
import json, sys, datetime
first, second, recipes = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
stages = first["stageSeconds"] + [None] * (3 - len(first["stageSeconds"]))
cell = lambda s: "—" if s is None else f"{s:.1f} s"
compared = f'{first["identical"]} of {first["packages"]}' if first["packages"] else "not run"
print("| date | recipes | built | stage 1 | stage 2 | stage 3 | stage 2 = stage 3 | second run: built, time |")
print("|---|---|---|---|---|---|---|---|")
print(f'| {datetime.date.today()} | {recipes} | {first["built"]} | {cell(stages[0])} | {cell(stages[1])} | '
      f'{cell(stages[2])} | {compared} | {second["built"]}, {sum(second["stageSeconds"]):.1f} s |'
      + (f' stopped: {first["stoppedAt"]}' if first["stoppedAt"] else ""))
PY
