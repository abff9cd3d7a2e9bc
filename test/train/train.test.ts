import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import type { BodyModel } from '../../src/body/types.js';
import { TrainingDivergedError } from '../../src/errors.js';
import { latestCheckpointDir, readCheckpoint } from '../../src/train/checkpoint.js';
import { presetConfig, type TrainConfig } from '../../src/train/config.js';
import { PoseBank, WindowSampler } from '../../src/train/data/windows.js';
import { runTraining } from '../../src/train/loop.js';
import { learningRateFactor } from '../../src/train/lr-schedule.js';
import type { MetricsLine } from '../../src/train/metrics-log.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';
import { Trainer } from '../../src/train/train-step.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const features = { extractor: 'keypoints', dims: 75, sha: 'keypoints-v1-vis0.1' };

function tinyConfig(change: (config: TrainConfig) => void = () => {}): TrainConfig {
  const config = presetConfig('tiny')!;
  change(config);
  return config;
}

const readMetrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricsLine);

test('the tiny config overfits two synthetic sequences: the total loss falls at least 5× in 150 steps', async () => {
  const steps = 150;
  const config = tinyConfig((c) => {
    // Fixed windows (sequences exactly T long), no flips: a pure fitting problem. The LSGAN terms
    // settle at an equilibrium instead of falling, so they are left out of this check. The cosine
    // decay lets the last steps settle (measured: 52 → 7.4, a 7× fall; at a constant rate the
    // loss still swings between 9 and 20 after 150 steps and needs ~400 steps for 10×).
    c.data.batchSize = c.data.microBatch = 2;
    c.data.flipProbability = 0;
    c.loss.advEncoder = c.loss.advDiscriminator = 0;
    c.optim = { ...c.optim, encoderLr: 3e-3, warmupSteps: 10, decay: 'cosine', finalLrFraction: 0.05 };
  });
  const sequences = syntheticSequences(body, { count: 2, frames: 20, seed: 3 });
  const model = createHmmrModel(config.model, 75, 1);
  const trainer = new Trainer(model, body, config, new WindowSampler(sequences, { windowFrames: 20, flipProbability: 0, balanceTiers: true }), new PoseBank(sequences), new Rng(2));
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    trainer.encoderOptimizer.options.learningRate = config.optim.encoderLr * learningRateFactor(step + 1, steps, config.optim);
    losses.push((await trainer.step()).encoderLoss);
  }
  disposeHmmrModel(model);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const first = mean(losses.slice(0, 3));
  const last = mean(losses.slice(-5));
  assert.ok(last * 5 <= first, `loss ${first.toFixed(2)} → ${last.toFixed(2)} after ${steps} steps`);
});

test('an interrupted run resumes at the same step and ends exactly where an uninterrupted run ends', async () => {
  const sequences = syntheticSequences(body, { count: 3, frames: 26, seed: 8 });
  const config = tinyConfig((c) => {
    c.schedule.checkpointEvery = 2;
    c.schedule.logEvery = 1;
  });
  const common = { config, steps: 6, seed: 4, sequences, body, features };

  const straightDir = tempDir();
  const straight = await runTraining({ ...common, outDir: straightDir, resume: false });
  assert.deepEqual([straight.startStep, straight.endStep, straight.interrupted], [0, 6, false]);

  const dir = tempDir();
  const controller = new AbortController();
  const first = await runTraining({ ...common, outDir: dir, resume: false, signal: controller.signal, onStep: (report) => report.step === 3 && controller.abort() });
  assert.deepEqual([first.endStep, first.interrupted], [3, true]);
  assert.equal(readCheckpoint(dir, { withOptimizer: true }).step, 3);
  await assert.rejects(runTraining({ ...common, outDir: dir, resume: false }), /pass --resume/);

  const resumed = await runTraining({ ...common, outDir: dir, resume: true });
  assert.deepEqual([resumed.startStep, resumed.endStep, resumed.stepsRun], [3, 6, 3]);
  assert.deepEqual(readMetrics(dir).map((line) => line.step), [1, 2, 3, 4, 5, 6]);
  // Same data order, dropout masks and optimiser state: the very same weights.
  const a = readCheckpoint(straightDir, { withOptimizer: true });
  const b = readCheckpoint(dir, { withOptimizer: true });
  assert.equal(b.step, 6);
  for (const [name, values] of a.encoder.values) assert.deepEqual(b.encoder.values.get(name), values, name);
  assert.deepEqual(readMetrics(dir).at(-1)!.terms, readMetrics(straightDir).at(-1)!.terms);
});

test('a non-finite loss stops training with TrainingDivergedError and keeps the last good checkpoint', async () => {
  let calls = 0;
  // The body model turns to NaN from its 3rd training call on (step 3 with one micro-batch).
  const poisoned: BodyModel = Object.create(body) as BodyModel;
  poisoned.posedKeypoints = (pose, shape, set) => {
    const result = body.posedKeypoints(pose, shape, set);
    return ++calls >= 3 ? { ...result, keypoints: tf.mul(result.keypoints, NaN) as tf.Tensor3D } : result;
  };
  const dir = tempDir();
  const config = tinyConfig((c) => {
    c.schedule.checkpointEvery = 2;
  });
  await assert.rejects(
    runTraining({ outDir: dir, config, steps: 5, resume: false, seed: 1, sequences: syntheticSequences(body, { count: 2, frames: 24, seed: 2 }), body: poisoned, features }),
    (error: unknown) => error instanceof TrainingDivergedError && /diverged at step 3/.test(error.reason) && /ckpt-00000002 is kept/.test(error.reason),
  );
  assert.equal(latestCheckpointDir(dir), join(dir, 'ckpt-00000002'));
  const kept = readCheckpoint(dir, { withOptimizer: true });
  for (const values of kept.encoder.values.values()) assert.ok(values.every(Number.isFinite));
});

test('two gradient threads train like one thread with the same micro-batches', async () => {
  const sequences = syntheticSequences(body, { count: 3, frames: 26, seed: 8 });
  const config = tinyConfig((c) => {
    c.data.microBatch = c.data.batchSize / 2;
  });
  const common = { config, steps: 2, resume: false, seed: 4, sequences, body, features, backend: 'wasm' };
  const oneDir = tempDir();
  const twoDir = tempDir();
  await runTraining({ ...common, outDir: oneDir, threads: 1 });
  const parallel = await runTraining({ ...common, outDir: twoDir, threads: 2 });
  assert.equal(parallel.threads, 2);
  const one = readCheckpoint(oneDir, { withOptimizer: true });
  const two = readCheckpoint(twoDir, { withOptimizer: true });
  assert.deepEqual(two.rngState, one.rngState);
  for (const [name, values] of one.encoder.values) {
    const other = two.encoder.values.get(name)!;
    // Gradient sums are added in another order across threads: equal up to float rounding.
    const worst = values.reduce((max, v, i) => Math.max(max, Math.abs(v - other[i]!)), 0);
    assert.ok(worst < 1e-5, `${name} differs by ${worst}`);
  }
});
