#!/usr/bin/env bash
# Reproduces docs/results.md's VideoPose3D section: the synthetic benchmark (hmmr synth, 30 train /
# 10 test sequences of 100 frames) for data seeds 11, 12 and 13, and on each the vp3d-27 lifter
# trained three ways for the same number of steps, each scored with hmmr eval --checkpoint:
#   full  — 3D for every train tube;
#   3d10  — 3D for 10 % of the train tubes (3 of 30), the rest unused;
#   semi  — the same 10 % with 3D, the other 90 % as 2D-only tubes (back-projection + bone length)
#           after a warm-up of 50 steps on the 3D tubes alone.
# The training seed is the data seed, so 3d10 and semi of one seed use the same 3 tubes with 3D.
#   scripts/vp3d-benchmark.sh [work-dir] [steps]      (default: vp3d-bench, 150 steps); resumable;
#   SEEDS="12" / VARIANTS="full" run only those (separate invocations can run side by side)
# Then: npx tsx scripts/vp3d-tables.ts <work-dir>     prints the tables.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-vp3d-bench}"
STEPS="${2:-150}"
mkdir -p "$WORK"
cd "$WORK"

cat > full.json <<'JSON'
{ "extends": "vp3d-27", "name": "vp3d-27 full 3D" }
JSON
cat > 3d10.json <<'JSON'
{ "extends": "vp3d-27", "name": "vp3d-27 10 % 3D alone", "vp3d": { "threeDFraction": 0.1, "semiSupervised": false } }
JSON
cat > semi.json <<'JSON'
{ "extends": "vp3d-27", "name": "vp3d-27 10 % 3D + 90 % 2D-only", "vp3d": { "threeDFraction": 0.1, "semiSupervised": true, "semiWarmupSteps": 50 } }
JSON

for seed in ${SEEDS:-11 12 13}; do
  HMMR=("$ROOT/node_modules/.bin/tsx" "$ROOT/src/cli/main.ts" --db "bench-s$seed.db")
  [ -f "synth-s$seed/gt.json" ] || "${HMMR[@]}" synth --out "synth-s$seed" --sequences 40 --frames 100 --seed "$seed" --test-fraction 0.25
  for variant in ${VARIANTS:-3d10 semi full}; do
    run="run-$variant-s$seed"
    [ -f "eval-$variant-s$seed.json" ] && continue
    if [ -f "$run/latest.json" ]; then resume=(--resume); else rm -rf "$run"; resume=(); fi
    /usr/bin/time -f "$variant seed $seed: %e s wall" -a -o wall-times.txt "${HMMR[@]}" train --out "$run" --config "$variant.json" --steps "$STEPS" --tier mocap3d --seed "$seed" "${resume[@]}"
    "${HMMR[@]}" eval --checkpoint "$run" --split test --json > "eval-$variant-s$seed.json.tmp"
    mv "eval-$variant-s$seed.json.tmp" "eval-$variant-s$seed.json"
  done
done
