#!/usr/bin/env bash
# Trains the shipped checkpoint models/hmmr-embedded (the `embedded` preset) from data the repo makes:
# synthetic MoCap-tier tubes (hmmr synth: 160 sequences of 100 frames at 25 fps, seed 5, detector-like
# 2D noise, every train motion seen from TRAIN_VIEWS viewpoints, default 4) on the train split,
# validation on a held-out tenth, the best validation checkpoint packed without the optimiser state
# (scripts/pack-checkpoint.ts).
#   scripts/train-embedded.sh [work-dir] [steps]      (default: embedded-train, 2400 steps)
# Re-running resumes the run in work-dir.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-embedded-train}"
STEPS="${2:-2400}"
TRAIN_VIEWS="${TRAIN_VIEWS:-4}"
mkdir -p "$WORK"
cd "$WORK"
TSX="$ROOT/node_modules/.bin/tsx"
HMMR=("$TSX" "$ROOT/src/cli/main.ts" --db train.db)

[ -f synth/gt.json ] || "${HMMR[@]}" synth --out synth --sequences 160 --frames 100 --seed 5 --test-fraction 0.1 --train-views "$TRAIN_VIEWS"
if [ -d run ]; then resume=(--resume); else resume=(--config embedded --seed 1); fi
/usr/bin/time -f "train: %e s wall" "${HMMR[@]}" train --out run --steps "$STEPS" --tier mocap3d "${resume[@]}"
"${HMMR[@]}" eval --checkpoint run/best --split test
"$TSX" "$ROOT/scripts/pack-checkpoint.ts" run/best "$ROOT/models/hmmr-embedded"
