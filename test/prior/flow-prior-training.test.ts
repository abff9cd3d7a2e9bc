import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { BadInputFileError } from '../../src/errors.js';
import { loadPoseFlow, writeFlow } from '../../src/prior/flow-file.js';
import { FLOW_POSE_DIMS } from '../../src/prior/flow-architecture.js';
import { weightShapes } from '../../src/prior/pose-flow.js';
import * as tf from '../../src/tf/tf.js';
import { parseTrainConfig, posePriorOf, presetConfig, type TrainConfig } from '../../src/train/config.js';
import { keepGroundTruthShare } from '../../src/train/data/ground-truth-share.js';
import { assembleBatch, PoseBank, WindowSampler } from '../../src/train/data/windows.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { batchToTensors, disposeBatchTensors, encoderObjective } from '../../src/train/objective.js';
import { Rng } from '../../src/train/rng.js';
import { adversarialEnabled, Trainer } from '../../src/train/train-step.js';
import { tempDir } from '../helpers/temp-dir.js';
import { useStandinBody } from '../train/standin-body.js';
import { syntheticSequences } from '../train/synthetic-sequences.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

/** A small 69-d flow with random weights everywhere (so −log p varies with the pose), saved to disk. */
function savedRandomFlow(): string {
  const dir = join(tempDir('hmmr-flow-'), 'prior');
  const architecture = { dims: FLOW_POSE_DIMS, couplingLayers: 2, hidden: 16, scaleBound: 2 };
  const rng = new Rng(4);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of weightShapes(architecture)) weights.set(name, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.2 * (2 * rng.next() - 1)));
  writeFlow(dir, {
    architecture,
    normalization: { mean: new Float32Array(FLOW_POSE_DIMS), std: new Float32Array(FLOW_POSE_DIMS).fill(0.3) },
    training: { source: 'test', trainPoses: 0, heldOutPoses: 0, step: 0, totalSteps: 0, seed: 0, batchSize: 1, learningRate: 0, noiseStd: 0, trainNll: null, heldOutNll: null },
    weights,
  });
  return dir;
}

function tinyConfig(prior: TrainConfig['model']['prior'], flowPath: string): TrainConfig {
  const config = presetConfig('tiny')!;
  config.model.prior = prior;
  config.flow.path = flowPath;
  config.data.batchSize = config.data.microBatch = 2;
  return config;
}

test('the flow term reaches the regressor: d(−log p)/d(f3d weights) is non-zero, and the discriminator is off for prior "flow"', () => {
  const config = tinyConfig('flow', savedRandomFlow());
  const sequences = syntheticSequences(body, { count: 2, frames: 20, seed: 3 });
  const model = createHmmrModel(config.model, 75, 1);
  const sampler = new WindowSampler(sequences, { windowFrames: 20, flipProbability: 0, balanceTiers: false });
  const inputs = batchToTensors(assembleBatch(sampler.sample(new Rng(5), 2), 20, 0.1));
  assert.equal(adversarialEnabled(config, new PoseBank(sequences)), false);
  const flow = loadPoseFlow(config.flow.path);
  const params = model.network.params;
  const { value, grads } = tf.variableGrads(() => {
    const objective = encoderObjective(model, body, inputs, config, { adversarial: false, flow });
    assert.ok(!objective.terms.has('adv_e'));
    return objective.terms.get('flow')!;
  }, params.variables());
  assert.ok(Number.isFinite(value.dataSync()[0]!));
  const names = new Map(params.entries().map(([name, variable]) => [variable.name, name]));
  const regressorNorm = Object.entries(grads)
    .filter(([tfName]) => names.get(tfName)!.startsWith('f3d/'))
    .reduce((sum, [, grad]) => sum + tf.sum(tf.square(grad)).dataSync()[0]!, 0);
  assert.ok(regressorNorm > 1e-8, `|d flow / d f3d|² = ${regressorNorm}`);
  tf.dispose([value, ...Object.values(grads)]);
  disposeBatchTensors(inputs);
  flow.dispose();
  disposeHmmrModel(model);
});

test('a training step with prior "both" logs the flow term beside both adversarial ones', async () => {
  const config = tinyConfig('both', savedRandomFlow());
  const sequences = syntheticSequences(body, { count: 2, frames: 20, seed: 4 });
  const model = createHmmrModel(config.model, 75, 2);
  const trainer = new Trainer(model, body, config, new WindowSampler(sequences, { windowFrames: 20, flipProbability: 0, balanceTiers: false }), new PoseBank(sequences), new Rng(3));
  assert.equal(trainer.adversarial, true);
  const outcome = await trainer.step();
  assert.ok(outcome.finite);
  for (const term of ['flow', 'adv_e', 'd_pose']) assert.ok(term in outcome.terms, `missing ${term}: ${Object.keys(outcome.terms).join(', ')}`);
  await trainer.close();
  disposeHmmrModel(model);
});

test('model.prior: older configs mean adversarial; flow and both need flow.path; a missing prior folder is a one-line file error', () => {
  const old = presetConfig('cpu')!;
  delete (old.model as Partial<TrainConfig['model']>).prior;
  assert.equal(posePriorOf(old), 'adversarial');
  assert.equal(adversarialEnabled(old, { size: 5 } as PoseBank), true);
  assert.equal(parseTrainConfig({ extends: 'tiny' }, 'c.json').model.prior, 'adversarial');
  assert.throws(() => parseTrainConfig({ extends: 'tiny', model: { prior: 'flow' } }, 'c.json'), /flow\.path/);
  assert.throws(() => parseTrainConfig({ extends: 'tiny', model: { prior: 'gan' } }, 'c.json'), /'model.prior' must be one of adversarial, flow, both/);
  const missing = tinyConfig('flow', join(tempDir(), 'nothing-here'));
  assert.throws(() => new Trainer(createHmmrModel(missing.model, 75, 1), body, missing, new WindowSampler(syntheticSequences(body, { count: 1, frames: 20, seed: 1 }), { windowFrames: 20, flipProbability: 0, balanceTiers: false }), new PoseBank([]), new Rng(1)), (error: unknown) => error instanceof BadInputFileError && /prior\.json: no pose prior here/.test(error.message));
});

test('data.groundTruthFraction keeps 3D for a seeded share of the tubes and leaves the inputs untouched', () => {
  const sequences = syntheticSequences(body, { count: 8, frames: 20, seed: 9 });
  assert.ok(sequences.every((sequence) => sequence.groundTruth));
  const weak = keepGroundTruthShare(sequences, 0.25, 1);
  assert.equal(weak.filter((sequence) => sequence.groundTruth).length, 2);
  assert.ok(sequences.every((sequence) => sequence.groundTruth), 'inputs keep their ground truth');
  assert.deepEqual(keepGroundTruthShare(sequences, 0.25, 1).map((s) => Boolean(s.groundTruth)), weak.map((s) => Boolean(s.groundTruth)), 'same seed, same share');
  assert.equal(keepGroundTruthShare(sequences, 0.01, 1).filter((sequence) => sequence.groundTruth).length, 1, 'a positive share keeps at least one');
  assert.equal(keepGroundTruthShare(sequences, 1, 1).filter((sequence) => sequence.groundTruth).length, 8);
});
