/**
 * Tries settings of the test-time pose fit (src/predict/pose-refinement.ts, `--refine-pose`) on one
 * split of a database: MPJPE and PA-MPJPE of the checkpoint's predictions before and after the fit.
 * How its defaults were picked (docs/training.md, *Pose fit*):
 *   npx tsx scripts/pose-refinement-probe.ts <db> <checkpoint or run folder> <near weight> <smooth weight> <steps> [test|train|val]
 */
import { LSP_JOINT_COUNT } from '../src/body/joint-sets.js';
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';
import { mpjpePerFrame } from '../src/metrics/mpjpe.js';
import { paMpjpePerFrame } from '../src/metrics/procrustes.js';
import { DEFAULT_POSE_REFINEMENT } from '../src/predict/pose-refinement-options.js';
import { openDatabase } from '../src/store/database.js';

const [dbPath, checkpoint, near, smooth, steps, splitArgument = 'test'] = process.argv.slice(2);
const settings = { ...DEFAULT_POSE_REFINEMENT, nearWeight: Number(near), smoothWeight: Number(smooth), iterations: Number(steps) };
if (!dbPath || !checkpoint || !(settings.nearWeight >= 0 && settings.smoothWeight >= 0 && settings.iterations >= 1) || !['test', 'train', 'val'].includes(splitArgument)) {
  console.error('usage: npx tsx scripts/pose-refinement-probe.ts <db> <checkpoint or run folder> <near weight> <smooth weight> <steps> [test|train|val]');
  process.exit(2);
}
const split = splitArgument as 'test' | 'train' | 'val';
const db = openDatabase(dbPath);
const truth = readGroundTruthEvalSet(db, dbPath, split);
const started = Date.now();
const [plain, fitted] = [await predictEvalSet(db, dbPath, checkpoint, split), await predictEvalSet(db, dbPath, checkpoint, split, { refinePose: settings })];
const seconds = (Date.now() - started) / 1000;
/** Mean over every frame of the split, mm. */
const mean = (perFrame: (pred: Float64Array, gt: Float64Array) => ArrayLike<number>, predicted: typeof plain) => {
  let sum = 0;
  let frames = 0;
  for (const sequence of truth.sequences) {
    const errors = perFrame(predicted.sequences.find((candidate) => candidate.name === sequence.name)!.joints3d, sequence.joints3d);
    for (let f = 0; f < errors.length; f++) sum += errors[f]!;
    frames += errors.length;
  }
  return ((1000 * sum) / frames).toFixed(1);
};
const mpjpe = (pred: Float64Array, gt: Float64Array) => mpjpePerFrame(pred, gt, LSP_JOINT_COUNT);
const paMpjpe = (pred: Float64Array, gt: Float64Array) => paMpjpePerFrame(pred, gt, LSP_JOINT_COUNT);
console.log(
  `near ${settings.nearWeight} smooth ${settings.smoothWeight} steps ${settings.iterations}: MPJPE ${mean(mpjpe, plain)} → ${mean(mpjpe, fitted)}, PA-MPJPE ${mean(paMpjpe, plain)} → ${mean(paMpjpe, fitted)} mm (${seconds.toFixed(0)} s for both predictions)`,
);
db.close();
