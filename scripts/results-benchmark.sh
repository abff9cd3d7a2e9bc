#!/usr/bin/env bash
# Reproduces docs/results.md: a synthetic benchmark (hmmr synth, fixed seed, 30 train / 10 test
# sequences of 100 frames at 25 fps), three models trained for the same number of steps on the
# train split's 3D tier, each evaluated on the test split with hmmr eval --checkpoint.
#   scripts/results-benchmark.sh [work-dir] [steps]      (default: results-bench, 400 steps)
# Then: npx tsx scripts/results-tables.ts <work-dir>   prints the markdown tables.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-results-bench}"
STEPS="${2:-400}"
mkdir -p "$WORK"
cd "$WORK"
HMMR=("$ROOT/node_modules/.bin/tsx" "$ROOT/src/cli/main.ts" --db bench.db)

# The same learning rate for every model: from-scratch training needs more than the paper's 1e-5,
# which fine-tunes HMR's pretrained regressor (see the cpu preset's comment in src/train/config.ts).
cat > single-frame.json <<'JSON'
{ "extends": "single-frame", "optim": { "encoderLr": 1e-4 } }
JSON
cat > temporal-no-dynamics.json <<'JSON'
{ "extends": "cpu", "name": "temporal-no-dynamics", "model": { "deltaHeads": false, "hallucinator": false }, "optim": { "encoderLr": 1e-4 } }
JSON
cat > hmmr.json <<'JSON'
{ "extends": "cpu", "name": "hmmr", "optim": { "encoderLr": 1e-4 } }
JSON

[ -f synth/gt.json ] || "${HMMR[@]}" synth --out synth --sequences 40 --frames 100 --seed 11 --test-fraction 0.25
for model in single-frame temporal-no-dynamics hmmr; do
  if [ -d "run-$model" ]; then resume=(--resume); else resume=(); fi
  /usr/bin/time -f "$model: %e s wall" "${HMMR[@]}" train --out "run-$model" --config "$model.json" --steps "$STEPS" --tier mocap3d --seed 1 "${resume[@]}"
  "${HMMR[@]}" eval --checkpoint "run-$model" --split test --json > "eval-$model.json"
  "${HMMR[@]}" eval --checkpoint "run-$model" --split test
done
