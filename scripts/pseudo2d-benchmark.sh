#!/usr/bin/env bash
# Reproduces docs/results.md's Table 4 analogue: does 2D-only video help on motions the 3D data
# lacks? For each data seed s (11, 12, 13):
#   3D tier    hmmr synth --seed s: 40 sequences of walk, run, jumping jacks, arm swings and turning
#              (30 train / 10 test), with 3D;
#   held out   squats and golf swings never get 3D in training:
#              test: hmmr synth --seed s+100, 10 sequences, all test split (scored, never trained on);
#              2D:   hmmr synth --seed s+200 --tier pseudo2d, the first N of 20 train sequences as
#                    2D-only tubes (detector-like keypoints, no 3D supervision), N = 0, 5, 10, 20
#                    (0 / 25 / 50 / 100 %; a seed's smaller sets are prefixes of its larger ones).
# One model at the `embedded` preset trains the same number of steps on each: MODEL=temporal (default;
# the temporal encoder without Δt heads and hallucinator, as in Table 2), MODEL=temporal-noprior (the
# same with the adversarial prior's encoder term off: its real poses are the 3D tier's, i.e. the seen
# families only), MODEL=temporal-unbalanced (the same as temporal without tier balancing: windows drawn
# from all tubes alike instead of half from the 2D-only ones), MODEL=temporal-pa (the same as temporal,
# its best checkpoint picked by validation PA-MPJPE: schedule.bestMetric) or MODEL=hmmr (~6× slower per
# step here). Its best validation checkpoint (validation = held-out 3D-tier train tubes, so the held-out
# families' 3D is never seen) is scored on the held-out families' test sequences and on the 3D
# families' test sequences.
# POSE_BANK=1 adds what the paper's adversarial prior learns from: unpaired MoCap of every family,
# held-out ones included (hmmr synth --seed s+300 --tier pose-bank: 80 sequences of all seven motions,
# poses only), so the prior's real poses are that bank instead of the 3D tier's (variants *-bank-2dN).
#   scripts/pseudo2d-benchmark.sh [work-dir] [steps]   (default: pseudo2d-bench, 800 steps); resumable;
#   SEEDS="12" / AMOUNTS="0 20" / MODEL=hmmr run only those; TRAIN_VIEWS=4 sees every 3D-tier train
#   motion from 4 viewpoints (hmmr synth --train-views; test splits and 2D-only tubes are the same either way)
# Then: npx tsx scripts/results-tables.ts <results-work-dir> <work-dir>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-pseudo2d-bench}"
STEPS="${2:-800}"
MODEL="${MODEL:-temporal}"
SEEN=(walk run jumping-jacks arm-swings turn-in-place)
HELD_OUT=(squat golf-swing)
mkdir -p "$WORK"
cd "$WORK"

cat > hmmr.json <<'JSON'
{ "extends": "embedded", "name": "hmmr" }
JSON
cat > temporal.json <<'JSON'
{ "extends": "embedded", "name": "temporal-no-dynamics", "model": { "deltaHeads": false, "hallucinator": false } }
JSON
cat > temporal-unbalanced.json <<'JSON'
{ "extends": "embedded", "name": "temporal-no-dynamics-unbalanced", "model": { "deltaHeads": false, "hallucinator": false }, "data": { "balanceTiers": false } }
JSON
cat > temporal-pa.json <<'JSON'
{ "extends": "embedded", "name": "temporal-no-dynamics-best-pa", "model": { "deltaHeads": false, "hallucinator": false }, "schedule": { "bestMetric": "pa_mpjpe" } }
JSON
cat > temporal-noprior.json <<'JSON'
{ "extends": "embedded", "name": "temporal-no-dynamics-no-prior", "model": { "deltaHeads": false, "hallucinator": false }, "loss": { "advEncoder": 0 } }
JSON

for seed in ${SEEDS:-11 12 13}; do
  for amount in ${AMOUNTS:-0 5 10 20}; do
    bank="${POSE_BANK:+-bank}"
    variant="$MODEL$bank-2d$amount"
    [ -f "eval-$variant-s$seed.json" ] && continue
    db="bench$bank-2d$amount-s$seed.db"
    HMMR=("$ROOT/node_modules/.bin/tsx" "$ROOT/src/cli/main.ts" --db "$db")
    run="run-$variant-s$seed"
    data="data$bank-2d$amount-s$seed"
    # The data of one seed and amount is shared by the models (synth is deterministic).
    if [ ! -f "$data/done" ]; then
      rm -rf "$db" "$data"
      "${HMMR[@]}" synth --out "$data/seen" --sequences 40 --frames 100 --seed "$seed" --test-fraction 0.25 --motions "${SEEN[@]}" --train-views "${TRAIN_VIEWS:-1}"
      "${HMMR[@]}" synth --out "$data/held-out" --sequences 10 --frames 100 --seed "$((seed + 100))" --test-fraction 1 --motions "${HELD_OUT[@]}"
      if [ "$amount" -gt 0 ]; then
        "${HMMR[@]}" synth --out "$data/2d" --sequences "$amount" --frames 100 --seed "$((seed + 200))" --test-fraction 0 --motions "${HELD_OUT[@]}" --tier pseudo2d
      fi
      if [ -n "$bank" ]; then
        "${HMMR[@]}" synth --out "$data/bank" --sequences 80 --frames 100 --seed "$((seed + 300))" --tier pose-bank
      fi
      touch "$data/done"
    fi
    if [ -f "$run/latest.json" ]; then resume=(--resume); else rm -rf "$run"; resume=(); fi
    /usr/bin/time -f "$variant seed $seed: %e s wall" -a -o wall-times.txt "${HMMR[@]}" train --out "$run" --config "$MODEL.json" --steps "$STEPS" --tier mocap3d pseudo2d --seed "$((seed - 10))" "${resume[@]}"
    "${HMMR[@]}" eval --checkpoint "$run/best" --split test --prefix "synth-s$seed-" --no-dynamics --json > "eval-seen-$variant-s$seed.json"
    "${HMMR[@]}" eval --checkpoint "$run/best" --split test --prefix "synth-s$((seed + 100))-" --no-dynamics --json > "eval-$variant-s$seed.json.tmp"
    mv "eval-$variant-s$seed.json.tmp" "eval-$variant-s$seed.json"
  done
done
