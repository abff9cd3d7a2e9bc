#!/usr/bin/env bash
# Reproduces docs/results.md's Table 2 and Table 5 analogues: the synthetic benchmark (hmmr synth,
# 40 sequences of 100 frames at 25 fps, 30 train / 10 test) for data seeds 11, 12 and 13, and on each
# three models at the shipped checkpoint's size (the `embedded` preset, width 256) trained for the
# same number of steps on the train split's 3D tier, each scored with hmmr eval --checkpoint at its best
# validation checkpoint (<run>/best: eval-<model>-s<seed>.json) and at its last step (<run>:
# eval-<model>-final-s<seed>.json):
#   single-frame          — no temporal encoder, no Δt heads, no hallucinator;
#   temporal-no-dynamics  — the temporal encoder, no Δt heads, no hallucinator;
#   hmmr                  — the temporal encoder, Δt = ±5 heads and the hallucinator.
#   hmmr-init             — HMMR fine-tuned from the shipped checkpoint (models/hmmr-embedded: trained on
#                           other synthetic data, seed 5) instead of random weights; only when named
#                           in MODELS, and usually with fewer steps.
# Each checkpoint is scored again with the test-time options (no dynamics table, which they leave as it is):
# the orientation fit (hmmr eval --refine-orientation: eval-<model>-refined{,-final}-s<seed>.json), flip
# averaging (--flip-average: eval-<model>-flip{,-final}-…) and both (eval-<model>-flip-refined{,-final}-…);
# the pose fit (--refine-pose: eval-<model>-pose{,-final}-…), alone and with the others (pose-refined,
# flip-pose, flip-pose-refined).
# The training seed is the data seed minus 10 (1, 2, 3).
#   scripts/results-benchmark.sh [work-dir] [steps]    (default: results-bench, 800 steps); resumable;
#   SEEDS="12" / MODELS="hmmr" run only those; TRAIN_VIEWS=4 sees every train motion from 4 viewpoints
#   (hmmr synth --train-views; the test split is the same either way)
# Then: npx tsx scripts/results-tables.ts <work-dir>   prints the tables (with the oracle row).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-results-bench}"
STEPS="${2:-800}"
mkdir -p "$WORK"
cd "$WORK"

cat > single-frame.json <<'JSON'
{ "extends": "embedded", "name": "single-frame", "model": { "temporal": false, "deltaHeads": false, "hallucinator": false } }
JSON
cat > temporal-no-dynamics.json <<'JSON'
{ "extends": "embedded", "name": "temporal-no-dynamics", "model": { "deltaHeads": false, "hallucinator": false } }
JSON
cat > hmmr.json <<'JSON'
{ "extends": "embedded", "name": "hmmr" }
JSON

for seed in ${SEEDS:-11 12 13}; do
  HMMR=("$ROOT/node_modules/.bin/tsx" "$ROOT/src/cli/main.ts" --db "bench-s$seed.db")
  [ -f "synth-s$seed/gt.json" ] || "${HMMR[@]}" synth --out "synth-s$seed" --sequences 40 --frames 100 --seed "$seed" --test-fraction 0.25 --train-views "${TRAIN_VIEWS:-1}"
  for model in ${MODELS:-single-frame temporal-no-dynamics hmmr}; do
    run="run-$model-s$seed"
    if [ ! -f "eval-$model-s$seed.json" ]; then
      if [ -f "$run/latest.json" ]; then resume=(--resume); else rm -rf "$run"; resume=(); fi
      start=(--config "$model.json")
      [ "$model" = hmmr-init ] && [ ${#resume[@]} -eq 0 ] && start=(--config hmmr.json --init "$ROOT/models/hmmr-embedded")
      [ "$model" = hmmr-init ] && [ ${#resume[@]} -gt 0 ] && start=()
      /usr/bin/time -f "$model seed $seed: %e s wall" -a -o wall-times.txt "${HMMR[@]}" train --out "$run" "${start[@]}" --steps "$STEPS" --tier mocap3d --seed "$((seed - 10))" "${resume[@]}"
      "${HMMR[@]}" eval --checkpoint "$run/best" --split test --json > "eval-$model-s$seed.json.tmp"
      mv "eval-$model-s$seed.json.tmp" "eval-$model-s$seed.json"
    fi
    if [ ! -f "eval-$model-final-s$seed.json" ]; then
      "${HMMR[@]}" eval --checkpoint "$run" --split test --json > "eval-$model-final-s$seed.json.tmp"
      mv "eval-$model-final-s$seed.json.tmp" "eval-$model-final-s$seed.json"
    fi
    # Both checkpoints again with each test-time option (no dynamics table, which they leave as it is):
    # eval-<model>-<variant>{,-final}-s<seed>.json.
    for variant in refined flip flip-refined pose pose-refined flip-pose flip-pose-refined; do
      case "$variant" in
        refined) flags=(--refine-orientation) ;;
        flip) flags=(--flip-average) ;;
        flip-refined) flags=(--flip-average --refine-orientation) ;;
        pose) flags=(--refine-pose) ;;
        pose-refined) flags=(--refine-pose --refine-orientation) ;;
        flip-pose) flags=(--flip-average --refine-pose) ;;
        flip-pose-refined) flags=(--flip-average --refine-pose --refine-orientation) ;;
      esac
      for scored in best final; do
        if [ "$scored" = best ]; then out="eval-$model-$variant-s$seed.json"; checkpoint="$run/best"; else out="eval-$model-$variant-final-s$seed.json"; checkpoint="$run"; fi
        [ -f "$out" ] && continue
        "${HMMR[@]}" eval --checkpoint "$checkpoint" --split test --no-dynamics "${flags[@]}" --json > "$out.tmp"
        mv "$out.tmp" "$out"
      done
    done
  done
done
