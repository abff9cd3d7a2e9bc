import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { readCheckpointInfo } from '../../src/train/checkpoint.js';
import { presetConfig, type TrainConfig } from '../../src/train/config.js';
import type { TrainingSequence } from '../../src/train/data/sequence.js';
import { assembleBatch, WindowSampler } from '../../src/train/data/windows.js';
import { BEST_CHECKPOINT_DIR, runTraining } from '../../src/train/loop.js';
import type { MetricsLine, ValidationLine } from '../../src/train/metrics-log.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { loadPredictionModel, planWindows, predictSequence, temporalMargin } from '../../src/train/predict.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';
import { chooseValidationSequences, validateNetwork } from '../../src/train/validation.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const features = { extractor: 'keypoints', dims: 75, sha: 'keypoints-v1-vis0.1' };

function tinyConfig(change: (config: TrainConfig) => void): TrainConfig {
  const config = presetConfig('tiny')!;
  change(config);
  return config;
}

const readLines = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as MetricsLine | ValidationLine);
const validationLines = (dir: string) => readLines(dir).filter((line): line is ValidationLine => 'kind' in line);

test('validation every N steps: logged lines, the best checkpoint in best/, and its score is what the eval path gives', async () => {
  const sequences = syntheticSequences(body, { count: 3, frames: 26, seed: 8 });
  const validation = syntheticSequences(body, { count: 1, frames: 30, seed: 9 });
  const config = tinyConfig((c) => {
    c.schedule.validateEvery = 3;
    c.schedule.logEvery = 1;
    c.optim.warmupSteps = 2;
    c.optim.decay = 'cosine';
    c.optim.finalLrFraction = 0.5;
  });
  const dir = tempDir();
  const reports: (string | undefined)[] = [];
  const summary = await runTraining({ config, steps: 8, seed: 4, sequences, validation, body, features, outDir: dir, resume: false, onStep: (r) => reports.push(r.validation && `${r.validation.latest.step}/${r.validation.best.step}`) });
  const lines = validationLines(dir);
  // Every 3 steps and at the last step.
  assert.deepEqual(lines.map((line) => line.step), [3, 6, 8]);
  assert.ok(lines.every((line) => line.frames === 30 && line.mpjpeMm > 10 && line.mpjpeMm < 2000 && line.paMpjpeMm <= line.mpjpeMm));
  assert.equal(reports[1], undefined, 'nothing to show before the first validation');
  assert.ok(reports[2]?.startsWith('3/3'));
  const best = lines.reduce((a, b) => (b.mpjpeMm < a.mpjpeMm ? b : a));
  assert.deepEqual(lines.filter((line) => line.best).at(-1)?.step, best.step);
  assert.equal(summary.best?.step, best.step);
  const bestDir = join(dir, BEST_CHECKPOINT_DIR);
  assert.equal(readCheckpointInfo(bestDir).step, best.step);
  // The logged score is the one the prediction path gives the saved best checkpoint.
  const model = loadPredictionModel(bestDir);
  const again = validateNetwork(model.network, body, validation, config.data.windowFrames);
  model.dispose();
  assert.ok(Math.abs(again.mpjpeMm - best.mpjpeMm) < 1e-3, `${again.mpjpeMm} vs ${best.mpjpeMm}`);
  // The learning-rate schedule, as logged: warm-up 1/2, 2/2, then the cosine to 0.5 at step 8.
  const rates = readLines(dir).filter((line): line is MetricsLine => !('kind' in line)).map((line) => line.learningRate / config.optim.encoderLr);
  assert.ok(Math.abs(rates[0]! - 0.5) < 1e-9 && Math.abs(rates[1]! - 1) < 1e-9 && Math.abs(rates[7]! - 0.5) < 1e-9, `rates ${rates.join(', ')}`);
});

test('early stopping: with learning rates 0 nothing improves, and the run stops after `patience` validations', async () => {
  const sequences = syntheticSequences(body, { count: 2, frames: 22, seed: 8 });
  const validation = syntheticSequences(body, { count: 1, frames: 22, seed: 9 });
  const config = tinyConfig((c) => {
    c.schedule.validateEvery = 2;
    c.schedule.earlyStopPatience = 2;
    c.optim.encoderLr = 0;
    c.optim.discriminatorLr = 0;
  });
  const dir = tempDir();
  const summary = await runTraining({ config, steps: 40, seed: 4, sequences, validation, body, features, outDir: dir, resume: false });
  assert.deepEqual([summary.endStep, summary.stoppedEarly, summary.best?.step], [6, true, 2]);
  assert.deepEqual(validationLines(dir).map((line) => line.best), [true, false, false]);
  // A resumed run remembers its best and patience: the next validation stops it at once.
  const resumed = await runTraining({ config, steps: 40, seed: 4, sequences, validation, body, features, outDir: dir, resume: true });
  assert.deepEqual([resumed.startStep, resumed.endStep, resumed.stoppedEarly, resumed.best?.step], [6, 8, true, 2]);
});

test('validation tubes: a stable share of the 3D tubes, chosen by id, never all of them', () => {
  const sequences = Array.from({ length: 30 }, (_, i) => ({ id: String(i + 1), groundTruth: {} }) as TrainingSequence);
  const chosen = chooseValidationSequences(sequences, 0.1);
  assert.equal(chosen.size, 3);
  const reversed = chooseValidationSequences([...sequences].reverse(), 0.1);
  assert.deepEqual([...reversed].map((s) => s.id).sort(), [...chosen].map((s) => s.id).sort(), 'input order does not matter');
  assert.equal(chooseValidationSequences(sequences, 0).size, 0);
  assert.equal(chooseValidationSequences(sequences.slice(0, 2), 0.9).size, 1);
  const twoD = { id: '99' } as TrainingSequence;
  assert.ok(!chooseValidationSequences([...sequences, twoD], 0.99).has(twoD), 'only tubes with 3D ground truth');
});

test('validation tubes: the views of one take are held out together, and a take of one tube is chosen as before', () => {
  const tube = (id: number, take?: string) => ({ id: String(id), groundTruth: {}, ...(take === undefined ? {} : { take }) }) as TrainingSequence;
  // 10 takes seen by 3 cameras each, stored camera by camera (ids 1–10 first views, 11–20 second, 21–30 third).
  const views = Array.from({ length: 30 }, (_, i) => tube(i + 1, `take${i % 10}`));
  const chosen = chooseValidationSequences(views, 0.2);
  const chosenTakes = new Set([...chosen].map((s) => s.take));
  assert.equal(chosenTakes.size, 2, 'a fifth of the 10 takes');
  assert.deepEqual([...chosen].map((s) => s.id).sort(), views.filter((s) => chosenTakes.has(s.take)).map((s) => s.id).sort(), 'every view of a chosen take, no other tube');
  const reversed = chooseValidationSequences([...views].reverse(), 0.2);
  assert.deepEqual([...reversed].map((s) => s.id).sort(), [...chosen].map((s) => s.id).sort(), 'input order does not matter');
  assert.equal(new Set([...chooseValidationSequences(views.slice(0, 20), 0.99)].map((s) => s.take)).size, 9, 'never every take');
  // One tube per take, named or not, is the tube-by-tube choice.
  const plain = Array.from({ length: 30 }, (_, i) => tube(i + 1));
  const named = plain.map((s) => tube(Number(s.id), `solo${s.id}`));
  assert.deepEqual([...chooseValidationSequences(named, 0.1)].map((s) => s.id), [...chooseValidationSequences(plain, 0.1)].map((s) => s.id));
});

test('training windows reach the blank padding prediction puts at tube ends, with the same features', () => {
  const config = presetConfig('tiny')!;
  const margin = temporalMargin(config.model);
  assert.equal(margin, planWindows(30, config.data.windowFrames, 13).margin);
  assert.equal(margin, 6);
  assert.equal(temporalMargin({ temporal: false, encoderBlocks: 3 }), 0);

  const [sequence] = syntheticSequences(body, { count: 1, frames: 30, seed: 5 });
  const blank = new Float32Array(75).fill(0.25); // a visible marker (the onnx backbone's black-crop feature is not zero)
  const padded: TrainingSequence = { ...sequence!, blankFeatures: blank };
  const t = config.data.windowFrames;
  // Starts run from −margin to F − T + margin, every one reachable.
  const sampler = new WindowSampler([padded], { windowFrames: t, flipProbability: 0, balanceTiers: false, padFrames: margin });
  const starts = new Set(sampler.sample(new Rng(1), 400).map((sample) => sample.start));
  assert.deepEqual([Math.min(...starts), Math.max(...starts), starts.size], [-6, 30 - t + 6, 30 - t + 13]);

  // The first prediction window is the training window starting at −margin: same input, same output.
  const batch = assembleBatch([{ sequence: padded, start: -margin, flip: false }], t, 0.1);
  assert.deepEqual(Array.from(batch.valid), [...new Array(6).fill(0), ...new Array(14).fill(1)]);
  assert.deepEqual(Array.from(batch.features.subarray(0, 75)), Array.from(blank));
  assert.deepEqual(Array.from(batch.features.subarray(6 * 75, 20 * 75)), Array.from(sequence!.features.original.subarray(0, 14 * 75)));
  assert.ok(batch.keypoints.subarray(0, 6 * 75).every((v) => v === 0) && batch.hasJoints.subarray(0, 6).every((v) => v === 0));
  const tail = assembleBatch([{ sequence: padded, start: 30 - t + margin, flip: false }], t, 0.1);
  assert.deepEqual(Array.from(tail.valid), [...new Array(14).fill(1), ...new Array(6).fill(0)]);
  assert.deepEqual(Array.from(tail.features.subarray(19 * 75)), Array.from(blank));

  const model = createHmmrModel(config.model, 75, 3);
  const predicted = predictSequence(model.network, body, sequence!.features.original, blank, t);
  const trained = tf.tidy(() => model.network.forward(tf.tensor3d(batch.features, [1, t, 75])).current.theta.dataSync());
  disposeHmmrModel(model);
  const stride = t - 2 * margin;
  let worst = 0;
  for (let k = 0; k < stride * 85; k++) worst = Math.max(worst, Math.abs(predicted.theta[k]! - trained[margin * 85 + k]!));
  assert.ok(worst < 1e-5, `the first ${stride} frames differ by ${worst}`);
});
