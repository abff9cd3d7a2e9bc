/**
 * Tries settings of the test-time pose fit (src/predict/pose-refinement.ts, `--refine-pose`) on one
 * split of a database: MPJPE and PA-MPJPE of the checkpoint's predictions before and after the fit.
 * How its defaults were picked (docs/training.md, *Pose fit*):
 *   npx tsx scripts/pose-refinement-probe.ts <db> <checkpoint or run folder> <near weight> <smooth weight> <steps> [test|train|val]
 */
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';
import { evaluatePredictions } from '../src/eval/evaluate.js';
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
/** MPJPE or PA-MPJPE of a prediction, mean over every frame of the split (as `hmmr eval` prints it), mm. */
const mean = (predicted: typeof plain, key: 'mpjpe' | 'pa_mpjpe') => evaluatePredictions(predicted, truth).rows.find((row) => row.key === key)!.allFrames!.toFixed(1);
console.log(
  `near ${settings.nearWeight} smooth ${settings.smoothWeight} steps ${settings.iterations}: MPJPE ${mean(plain, 'mpjpe')} → ${mean(fitted, 'mpjpe')}, PA-MPJPE ${mean(plain, 'pa_mpjpe')} → ${mean(fitted, 'pa_mpjpe')} mm (${seconds.toFixed(0)} s for both predictions)`,
);
db.close();
