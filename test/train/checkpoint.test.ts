import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { BadInputFileError } from '../../src/errors.js';
import { latestCheckpointDir, readCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import { presetConfig } from '../../src/train/config.js';
import { PoseBank, WindowSampler } from '../../src/train/data/windows.js';
import { trainerCheckpoint } from '../../src/train/loop.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { loadPredictionModel, predictSequence } from '../../src/train/predict.js';
import { Rng } from '../../src/train/rng.js';
import { Trainer } from '../../src/train/train-step.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const features = { extractor: 'keypoints', dims: 75, sha: 'keypoints-v1-vis0.1' };

async function trainedTrainer(steps: number) {
  const config = presetConfig('tiny')!;
  const sequences = syntheticSequences(body, { count: 2, frames: 30, seed: 5 });
  const model = createHmmrModel(config.model, 75, 11);
  const trainer = new Trainer(model, body, config, new WindowSampler(sequences, { windowFrames: 20, flipProbability: 0.5, balanceTiers: true }), new PoseBank(sequences), new Rng(12));
  for (let i = 0; i < steps; i++) await trainer.step();
  return { config, sequences, model, trainer };
}

test('a checkpoint round trip gives identical predictions', async () => {
  const dir = tempDir();
  const { config, sequences, model, trainer } = await trainedTrainer(2);
  const sequence = sequences[0]!;
  const blank = new Float32Array(75);
  const before = predictSequence(model.network, body, sequence.features.original, blank, 20);
  const written = writeCheckpoint(dir, trainerCheckpoint(trainer, { step: 2, config, seed: 11, features, bodyModel: body.name }), 3);
  disposeHmmrModel(model);
  assert.equal(latestCheckpointDir(dir), written);

  const loaded = loadPredictionModel(dir);
  const afterLoad = predictSequence(loaded.network, body, sequence.features.original, blank, 20);
  loaded.dispose();
  assert.equal(loaded.step, 2);
  assert.deepEqual(afterLoad.theta, before.theta);
  assert.deepEqual(afterLoad.joints3d, before.joints3d);
  assert.deepEqual(afterLoad.pastPose, before.pastPose);
  // Optimiser state and the random stream come back too, for resuming.
  const full = readCheckpoint(dir, { withOptimizer: true });
  assert.equal(full.encoder.adam!.step, 2);
  assert.deepEqual(full.rngState, trainer.rng.state);
});

test('checkpoints are written whole or not at all, and old ones are pruned', async () => {
  const dir = tempDir();
  const { config, model, trainer } = await trainedTrainer(0);
  const content = (step: number) => trainerCheckpoint(trainer, { step, config, seed: 11, features, bodyModel: body.name });
  writeCheckpoint(dir, content(1), 2);
  // A crash mid-write leaves only a temp folder: readers never see it.
  mkdirSync(join(dir, '.ckpt-00000002.tmp-999'));
  writeFileSync(join(dir, '.ckpt-00000002.tmp-999', 'tensors.bin'), 'half');
  assert.equal(readCheckpoint(dir, { withOptimizer: true }).step, 1);
  writeCheckpoint(dir, content(2), 2);
  writeCheckpoint(dir, content(3), 2);
  disposeHmmrModel(model);
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('ckpt-')).sort(), ['ckpt-00000002', 'ckpt-00000003']);
  assert.equal(readCheckpoint(dir, { withOptimizer: true }).step, 3);
});

test('a damaged checkpoint is a BadInputFileError naming the file', async () => {
  const dir = tempDir();
  const { config, model, trainer } = await trainedTrainer(0);
  const written = writeCheckpoint(dir, trainerCheckpoint(trainer, { step: 1, config, seed: 11, features, bodyModel: body.name }), 2);
  disposeHmmrModel(model);
  const bin = join(written, 'tensors.bin');
  const bytes = readFileSync(bin);
  bytes[100] = bytes[100]! ^ 0xff;
  writeFileSync(bin, bytes);
  assert.throws(() => readCheckpoint(dir, { withOptimizer: true }), (error: unknown) => error instanceof BadInputFileError && /sha256/.test(error.reason) && error.path === bin);
  writeFileSync(bin, bytes.subarray(0, 1000));
  assert.throws(() => readCheckpoint(dir, { withOptimizer: false }), (error: unknown) => error instanceof BadInputFileError && /truncated/.test(error.reason));
  writeFileSync(join(written, 'manifest.json'), '{"format": "something else"}');
  assert.throws(() => readCheckpoint(written, { withOptimizer: false }), /not an hmmr checkpoint/);
  assert.ok(existsSync(bin));
  assert.throws(() => readCheckpoint(tempDir(), { withOptimizer: false }), /not a checkpoint/);
});
