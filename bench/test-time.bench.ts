import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGroundTruthEvalSet } from '../src/eval/ground-truth-set.js';
import { predictEvalSet } from '../src/eval/predict-eval-set.js';
import { evaluatePredictions } from '../src/eval/evaluate.js';
import type { EvalReport } from '../src/eval/report.js';
import { DEFAULT_ORIENTATION_REFINEMENT } from '../src/predict/orientation-refinement.js';
import { DEFAULT_POSE_REFINEMENT } from '../src/predict/pose-refinement-options.js';
import type { TestTimeOptions } from '../src/predict/test-time.js';
import { openDatabase } from '../src/store/database.js';
import { SHIPPED_CHECKPOINT } from '../src/train/checkpoint.js';
import { cliInvocation } from '../test/helpers/run-cli.js';
import type { BenchTable } from './bench-table.js';

const OPTIONS: [string, TestTimeOptions][] = [
  ['network alone', {}],
  ['--flip-average', { flipAverage: true }],
  ['--refine-orientation', { refineOrientation: DEFAULT_ORIENTATION_REFINEMENT }],
  ['--refine-pose', { refinePose: DEFAULT_POSE_REFINEMENT }],
  ['--flip-average --refine-pose', { flipAverage: true, refinePose: DEFAULT_POSE_REFINEMENT }],
];
const ROUNDS = 2;

/**
 * What each test-time option of `hmmr predict` / `hmmr eval --checkpoint` costs against the network's
 * own prediction, and what it gives: the shipped checkpoint on the test split of a small synthetic set
 * made here (`hmmr synth --sequences 8 --frames 100 --seed 11 --test-fraction 0.5`: 4 test tubes, 400
 * frames), every option predicted in alternating rounds (best of 2), times in the same run.
 */
export default async function testTimeBench(): Promise<BenchTable> {
  const dir = mkdtempSync(join(tmpdir(), 'hmmr-bench-test-time-'));
  try {
    const dbPath = join(dir, 'bench.db');
    execFileSync(process.execPath, [...cliInvocation(), 'synth', '--db', dbPath, '--out', join(dir, 'synth'), '--sequences', '8', '--frames', '100', '--seed', '11', '--test-fraction', '0.5', '--quiet'], { stdio: 'inherit' });
    const db = openDatabase(dbPath);
    const truth = readGroundTruthEvalSet(db, dbPath, 'test');
    const best = new Map<string, number>();
    const scores = new Map<string, [number, number]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, options] of OPTIONS) {
        const started = performance.now();
        const predicted = await predictEvalSet(db, dbPath, SHIPPED_CHECKPOINT, 'test', { ...options, backend: 'auto' });
        const seconds = (performance.now() - started) / 1000;
        best.set(name, Math.min(best.get(name) ?? Infinity, seconds));
        const report = evaluatePredictions(predicted, truth);
        scores.set(name, [allFrames(report, 'mpjpe'), allFrames(report, 'pa_mpjpe')]);
      }
    }
    db.close();
    const frames = truth.sequences.reduce((sum, sequence) => sum + sequence.frameCount, 0);
    const alone = best.get('network alone')!;
    return {
      title: `Test-time options: cost against the network's own prediction, and MPJPE / PA-MPJPE (shipped checkpoint, ${truth.sequences.length} synthetic test tubes, ${frames} frames)`,
      columns: ['options', 'seconds (best of 2)', 'ms per frame', '× network alone', 'MPJPE (mm)', 'PA-MPJPE (mm)'],
      rows: OPTIONS.map(([name]) => [name, best.get(name)!, (1000 * best.get(name)!) / frames, best.get(name)! / alone, scores.get(name)![0], scores.get(name)![1]]),
      notes: [
        'seconds include loading the checkpoint and computing (cached after the first round) features; the network runs on the tfjs backend `auto` picks',
        `--refine-pose: ${DEFAULT_POSE_REFINEMENT.iterations} Adam steps per tube (docs/training.md, Pose fit)`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A row of the report, mean over every frame (as `hmmr eval` prints it), mm. */
function allFrames(report: EvalReport, key: string): number {
  return report.rows.find((row) => row.key === key)!.allFrames!;
}
