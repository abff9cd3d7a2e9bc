import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { CheckpointEvaluation } from '../../src/eval/evaluate-checkpoint.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hmmr-eval-ckpt-');
const db = join(dir, 'e.db');

before(async () => {
  // Two test sequences of 24 frames: long enough for ±5-frame dynamics (frames 5…18 count).
  const synth = await runCli(['synth', '--db', db, '--out', join(dir, 'synth'), '--sequences', '4', '--frames', '24', '--test-fraction', '0.5', '--seed', '3', '--backend', 'cpu']);
  assert.equal(synth.code, 0, synth.stderr);
});

async function train(out: string, config: string): Promise<void> {
  const result = await runCli(['train', '--db', db, '--out', out, '--config', config, '--steps', '2', '--backend', 'wasm', '--quiet']);
  assert.equal(result.code, 0, result.stderr);
}

test('hmmr eval --checkpoint scores the test tubes (both aggregations, both accelerations) and prints the dynamics table', async () => {
  const run = join(dir, 'tiny');
  await train(run, 'tiny');
  const text = await runCli(['eval', '--db', db, '--checkpoint', run, '--backend', 'wasm']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /step 2, config 'tiny'\), test split/);
  assert.match(text.stdout, /2 sequences, 48 frames/);
  assert.match(text.stdout, /Accel error .*mm\/frame²/);
  assert.match(text.stdout, /Accel error .*mm\/s²/);
  assert.match(text.stdout, /per-sequence.*all-frames/);
  assert.match(text.stdout, /Dynamics from single frames: 2 sequences, 28 frames t/);
  assert.match(text.stdout, /constant baseline\s+per-sequence(\s+\d+\.\d){3}/);
  assert.match(text.stdout, /HMMR hallucinator\s+per-sequence(\s+\d+\.\d){3}/);

  const json = await runCli(['eval', '--db', db, '--checkpoint', run, '--backend', 'wasm', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const evaluation = JSON.parse(json.stdout) as CheckpointEvaluation;
  for (const row of evaluation.report.rows) {
    assert.ok(Number.isFinite(row.perSequence) && Number.isFinite(row.allFrames), `${row.key} ${row.unit}: ${row.perSequence}`);
  }
  const [constant, hallucinated] = evaluation.dynamics!.report!.rows;
  // The present pose is one prediction used by both rows; past and future differ between them.
  assert.equal(constant!.cells.current.perSequence, hallucinated!.cells.current.perSequence);
  assert.notEqual(constant!.cells.past.perSequence, hallucinated!.cells.past.perSequence);
  for (const row of [constant!, hallucinated!]) for (const cell of Object.values(row.cells)) assert.ok(cell.perSequence! > 0 && Number.isFinite(cell.allFrames));

  // --flip-average reaches the dynamics table too: its present pose is the flip-averaged one.
  const flippedJson = await runCli(['eval', '--db', db, '--checkpoint', run, '--backend', 'wasm', '--flip-average', '--json']);
  assert.equal(flippedJson.code, 0, flippedJson.stderr);
  const flipped = JSON.parse(flippedJson.stdout) as CheckpointEvaluation;
  assert.equal(flipped.flipAverage, true);
  const [, flippedHallucinated] = flipped.dynamics!.report!.rows;
  assert.notEqual(flippedHallucinated!.cells.current.perSequence, hallucinated!.cells.current.perSequence);

  const train2 = await runCli(['eval', '--db', db, '--checkpoint', run, '--split', 'train', '--no-dynamics', '--backend', 'wasm', '--json']);
  assert.equal(train2.code, 0, train2.stderr);
  const trainEvaluation = JSON.parse(train2.stdout) as CheckpointEvaluation;
  assert.equal(trainEvaluation.split, 'train');
  assert.equal(trainEvaluation.dynamics, undefined);
});

test('a checkpoint without a hallucinator still gets the metric table; the dynamics table says why it is missing', async () => {
  const config = join(dir, 'tiny-single.json');
  writeFileSync(config, JSON.stringify({ extends: 'tiny', model: { temporal: false, deltaHeads: false, hallucinator: false } }));
  const run = join(dir, 'single');
  await train(run, config);
  const result = await runCli(['eval', '--db', db, '--checkpoint', run, '--backend', 'wasm']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /PA-MPJPE/);
  assert.match(result.stdout, /Dynamics table skipped: .*no hallucinator/);
});

test('hmmr eval needs both --pred and --gt, or a checkpoint, not both', async () => {
  const half = await runCli(['eval', '--db', db, '--pred', join(dir, 'p.json')]);
  assert.equal(half.code, 1);
  assert.match(half.stderr, /give both --pred and --gt/);
  const both = await runCli(['eval', '--db', db, '--checkpoint', 'x', '--pred', 'p.json', '--gt', 'g.json']);
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /mutually exclusive/);
  const missing = await runCli(['eval', '--db', db, '--checkpoint', join(dir, 'nothing-here')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nothing-here: not a checkpoint/);
});

test('hmmr eval without --pred/--gt/--checkpoint scores the shipped checkpoint, which beats a barely trained model', async () => {
  const shipped = await runCli(['eval', '--db', db, '--backend', 'wasm', '--no-dynamics', '--json']);
  assert.equal(shipped.code, 0, shipped.stderr);
  const evaluation = JSON.parse(shipped.stdout) as CheckpointEvaluation;
  assert.match(evaluation.checkpoint, /models[/\\]hmmr-embedded[/\\]ckpt-/);
  assert.equal(evaluation.config, 'embedded');
  const run = join(dir, 'tiny-baseline');
  await train(run, 'tiny');
  const baseline = JSON.parse((await runCli(['eval', '--db', db, '--checkpoint', run, '--backend', 'wasm', '--no-dynamics', '--json'])).stdout) as CheckpointEvaluation;
  const pa = (e: CheckpointEvaluation) => e.report.rows.find((row) => row.key === 'pa_mpjpe')!.perSequence!;
  assert.ok(pa(evaluation) < 0.75 * pa(baseline), `shipped PA-MPJPE ${pa(evaluation).toFixed(1)} mm vs ${pa(baseline).toFixed(1)} mm after 2 tiny steps`);

  // Turning each body to fit its tube's keypoints moves MPJPE and leaves the pose (PA-MPJPE) as it was.
  const refinedRun = await runCli(['eval', '--db', db, '--backend', 'wasm', '--no-dynamics', '--refine-orientation', '--json']);
  assert.equal(refinedRun.code, 0, refinedRun.stderr);
  const refined = JSON.parse(refinedRun.stdout) as CheckpointEvaluation;
  const mpjpe = (e: CheckpointEvaluation) => e.report.rows.find((row) => row.key === 'mpjpe')!.perSequence!;
  assert.deepEqual(refined.refineOrientation, { halfWindow: 10, minKeypoints: 6 });
  assert.ok(Math.abs(pa(refined) - pa(evaluation)) < 0.05, `PA-MPJPE ${pa(refined)} vs ${pa(evaluation)} mm`);
  assert.ok(mpjpe(refined) < mpjpe(evaluation) - 1, `MPJPE ${mpjpe(refined).toFixed(1)} refined vs ${mpjpe(evaluation).toFixed(1)} mm`);

  // Averaging with the mirrored tubes' predictions: recorded, and closer to the truth on these tubes (PA-MPJPE moves
  // by a tenth of a millimetre here either way: the gain is the body's turn, as on the benchmark).
  const flippedRun = await runCli(['eval', '--db', db, '--backend', 'wasm', '--no-dynamics', '--flip-average', '--json']);
  assert.equal(flippedRun.code, 0, flippedRun.stderr);
  const flipped = JSON.parse(flippedRun.stdout) as CheckpointEvaluation;
  assert.equal(flipped.flipAverage, true);
  assert.equal(evaluation.flipAverage, undefined);
  assert.ok(mpjpe(flipped) < mpjpe(evaluation) - 1, `MPJPE ${mpjpe(flipped).toFixed(1)} flip-averaged vs ${mpjpe(evaluation).toFixed(1)} mm`);

  // Fitting each pose to its tube's keypoints near the network's: recorded, and nearer the truth in
  // both metrics (the pose moves, so PA-MPJPE falls too).
  const fittedRun = await runCli(['eval', '--db', db, '--backend', 'wasm', '--no-dynamics', '--refine-pose', '--refine-pose-steps', '60', '--json']);
  assert.equal(fittedRun.code, 0, fittedRun.stderr);
  const fitted = JSON.parse(fittedRun.stdout) as CheckpointEvaluation;
  assert.equal(fitted.refinePose?.iterations, 60);
  assert.ok(pa(fitted) < pa(evaluation) - 1, `PA-MPJPE ${pa(fitted).toFixed(1)} fitted vs ${pa(evaluation).toFixed(1)} mm`);
  assert.ok(mpjpe(fitted) < mpjpe(evaluation) - 1, `MPJPE ${mpjpe(fitted).toFixed(1)} fitted vs ${mpjpe(evaluation).toFixed(1)} mm`);
  const badWindow = await runCli(['eval', '--db', db, '--refine-orientation', '--refine-window', '-1']);
  assert.equal(badWindow.code, 1);
  assert.match(badWindow.stderr, /--refine-window must be a whole number of frames ≥ 0, not -1/);
});
