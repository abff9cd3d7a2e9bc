#!/usr/bin/env bash
# Reproduces docs/results.md's "Pose priors in the weakly supervised setting" (issue 14): the
# synthetic benchmark of results-benchmark.sh (hmmr synth seed 11: 30 train / 10 test sequences),
# trained with 3D ground truth for only 10 % of the training tubes (data.groundTruthFraction 0.1:
# 3 of 30) and 2D keypoints for the rest, once per pose prior (none, adversarial, flow, both) and seed,
# then scored with hmmr eval --checkpoint on the test split.
#   npm run build && scripts/prior-benchmark.sh [work-dir] [steps] [seeds...]
#   (defaults: prior-bench, 200 steps, seeds 1 2 3; resumable: finished runs are skipped)
# Then: npx tsx scripts/prior-tables.ts <work-dir>   prints the markdown tables.
# HMMR_JS overrides the compiled CLI (e.g. a copy of dist/ that a rebuild will not touch).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-prior-bench}"
STEPS="${2:-200}"
shift $(( $# > 2 ? 2 : $# ))
if [ $# -gt 0 ]; then SEEDS=("$@"); else SEEDS=(1 2 3); fi
mkdir -p "$WORK"
cd "$WORK"
HMMR=(nice -n 10 node "${HMMR_JS:-$ROOT/dist/src/cli/main.js}" --db bench.db)

[ -f synth/gt.json ] || "${HMMR[@]}" synth --out synth --sequences 40 --frames 100 --seed 11 --test-fraction 0.25
# The flow prior sees the motion generator's poses from another seed (101): the same kind of
# motion, none of the benchmark's sequences, as a MoCap bank would be.
if [ ! -f prior/prior.json ]; then
  "${HMMR[@]}" prior train --out prior --source generator --seed 101 --clips 280 --steps 600 --hidden 64 --batch-size 128
fi
"${HMMR[@]}" prior sample --prior prior --out prior-samples.png --count 16 --seed 1

# A small temporal model (width 128, no Δt heads or hallucinator, so every pose the priors judge
# is a present-frame prediction); no validation, so all 30 training tubes train. "none" is the
# baseline without any pose prior (the adversarial prior with both of its weights 0).
for prior in none adversarial flow both; do
  if [ "$prior" = none ]; then kind=adversarial; weights='"advEncoder": 0, "advDiscriminator": 0'; else kind=$prior; weights=''; fi
  cat > "weak-$prior.json" <<JSON
{ "extends": "cpu", "name": "weak-$prior",
  "model": { "width": 128, "iefHidden": 256, "hallucinatorHidden": 128, "deltaHeads": false, "hallucinator": false, "prior": "$kind" },
  "loss": { $weights },
  "data": { "groundTruthFraction": 0.1 },
  "schedule": { "validateEvery": 0, "checkpointEvery": 50 },
  "flow": { "path": "prior" } }
JSON
done

for seed in "${SEEDS[@]}"; do
  for prior in none adversarial flow both; do
    run="run-$prior-s$seed"
    [ -f "eval-$prior-s$seed.json" ] && continue
    if [ -d "$run" ]; then resume=(--resume); else resume=(); fi
    /usr/bin/time -f "$run: %e s wall" "${HMMR[@]}" train --out "$run" --config "weak-$prior.json" --steps "$STEPS" --tier mocap3d --seed "$seed" "${resume[@]}"
    "${HMMR[@]}" eval --checkpoint "$run" --split test --json > "eval-$prior-s$seed.json.tmp"
    mv "eval-$prior-s$seed.json.tmp" "eval-$prior-s$seed.json"
  done
done
