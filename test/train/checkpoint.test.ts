import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { BadInputFileError, LockedError } from '../../src/errors.js';
import { latestCheckpointDir, readCheckpoint, readCheckpointInfo, writeCheckpoint, type CheckpointWriteStage } from '../../src/train/checkpoint.js';
import { lockRunFolder, RUN_LOCK_FILE } from '../../src/train/run-lock.js';
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

test('re-saving a step never leaves latest.json naming nothing: a crash after any stage of the write leaves a whole checkpoint', async () => {
  const { config, model, trainer } = await trainedTrainer(1);
  const content = (seed: number) => trainerCheckpoint(trainer, { step: 7, config, seed, features, bodyModel: body.name });
  const stages: CheckpointWriteStage[] = ['folder-written', 'replacement-pointed', 'old-removed', 'renamed', 'latest-pointed'];
  for (const crashAt of stages) {
    const dir = tempDir();
    writeCheckpoint(dir, content(1), 2);
    const crash = (stage: CheckpointWriteStage) => {
      if (stage === crashAt) throw new Error(`simulated crash after ${stage}`);
    };
    assert.throws(() => writeCheckpoint(dir, content(2), 2, crash), /simulated crash/);
    const afterCrash = readCheckpoint(dir, { withOptimizer: true });
    assert.equal(afterCrash.step, 7, `crash after ${crashAt}`);
    // The seed tells the copies apart: before the old copy is removed either may be the latest.
    assert.ok([1, 2].includes(afterCrash.seed));
    if (crashAt === 'old-removed' || crashAt === 'renamed') assert.equal(afterCrash.seed, 2, `crash after ${crashAt}: only the new copy is left`);
    // The resumed run saves the same step again (crashing once more on the way), then cleanly.
    const crashAgain = (stage: CheckpointWriteStage) => {
      if (stage === 'replacement-pointed') throw new Error('simulated crash again');
    };
    // (A crash after the old copy was removed left only `.new`: the next save is then a plain first save.)
    if (existsSync(join(dir, 'ckpt-00000007'))) {
      assert.throws(() => writeCheckpoint(dir, content(3), 2, crashAgain), /simulated crash again/);
      assert.equal(readCheckpoint(dir, { withOptimizer: true }).seed, 3);
    }
    writeCheckpoint(dir, content(4), 2);
    assert.equal(readCheckpoint(dir, { withOptimizer: true }).seed, 4);
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('ckpt-')), ['ckpt-00000007'], `crash after ${crashAt}: no leftovers`);
  }
  disposeHmmrModel(model);
});

test('every load verifies a sha256: damaged weights fail prediction; damaged optimiser state fails only resuming', async () => {
  const dir = tempDir();
  const { config, model, trainer } = await trainedTrainer(1);
  const written = writeCheckpoint(dir, trainerCheckpoint(trainer, { step: 1, config, seed: 11, features, bodyModel: body.name }), 2);
  disposeHmmrModel(model);
  const manifest = JSON.parse(readFileSync(join(written, 'manifest.json'), 'utf8')) as { tensors: { name: string; offset: number }[] };
  const bin = join(written, 'tensors.bin');
  const pristine = readFileSync(bin);
  const flipAt = (tensor: { offset: number }) => {
    const bytes = Buffer.from(pristine);
    bytes[tensor.offset * 4 + 1] = bytes[tensor.offset * 4 + 1]! ^ 0x40;
    writeFileSync(bin, bytes);
  };
  flipAt(manifest.tensors.find((t) => !t.name.includes('.adam_'))!);
  assert.throws(() => loadPredictionModel(dir), (error: unknown) => error instanceof BadInputFileError && error.path === bin && /weights sha256 does not match/.test(error.reason));
  flipAt(manifest.tensors.find((t) => t.name.includes('.adam_m'))!);
  loadPredictionModel(dir).dispose();
  assert.throws(() => readCheckpoint(dir, { withOptimizer: true }), /sha256 does not match/);
});

test('a manifest with missing keys is an error naming them, not filled in from a preset', async () => {
  const dir = tempDir();
  const { config, model, trainer } = await trainedTrainer(0);
  const written = writeCheckpoint(dir, trainerCheckpoint(trainer, { step: 1, config, seed: 11, features, bodyModel: body.name }), 2);
  disposeHmmrModel(model);
  const path = join(written, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { config: { model: Record<string, unknown>; losses: Record<string, unknown> }; bodyModel?: string };
  delete manifest.config.model.width;
  writeFileSync(path, JSON.stringify(manifest));
  assert.throws(() => readCheckpoint(dir, { withOptimizer: false }), (error: unknown) => error instanceof BadInputFileError && error.path === path && /config lacks config\.model\.width/.test(error.reason));
  assert.throws(() => readCheckpointInfo(dir), /config lacks config\.model\.width/);
  delete manifest.bodyModel;
  writeFileSync(path, JSON.stringify(manifest));
  assert.throws(() => readCheckpointInfo(dir), /manifest lacks bodyModel/);
});

test('one hmmr train per run folder: a second gets LockedError naming the holder; a dead holder\'s lock is taken over', () => {
  const dir = tempDir();
  const out = join(dir, 'run');
  const release = lockRunFolder(out);
  assert.throws(() => lockRunFolder(out), (error: unknown) => error instanceof LockedError && error.path === out && new RegExp(`process ${process.pid}`).test(error.reason));
  release();
  assert.ok(!existsSync(join(out, RUN_LOCK_FILE)));
  lockRunFolder(out)();
  const gone = spawnSync(process.execPath, ['-e', '0']);
  writeFileSync(join(out, RUN_LOCK_FILE), JSON.stringify({ owner: `${hostname()}:${gone.pid}:dead`, pid: gone.pid, startedAt: 'then' }));
  const again = lockRunFolder(out);
  assert.match(readFileSync(join(out, RUN_LOCK_FILE), 'utf8'), new RegExp(`"pid":${process.pid}`));
  again();
});
