import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { presetConfig } from '../../src/train/config.js';
import { assembleBatch, PoseBank } from '../../src/train/data/windows.js';
import { matMulFast } from '../../src/train/nn/dense.js';
import { GroupNorm } from '../../src/train/nn/group-norm.js';
import { createHmmrModel, disposeHmmrModel } from '../../src/train/nn/hmmr-network.js';
import { ParameterSet } from '../../src/train/nn/parameters.js';
import { TemporalConv3 } from '../../src/train/nn/temporal-conv.js';
import { TemporalEncoder } from '../../src/train/nn/temporal-encoder.js';
import { batchToTensors, discriminatorObjective, encoderObjective } from '../../src/train/objective.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

test('the dense kernel gives tf.matMul values and gradients for x, w and b', () => {
  const rng = new Rng(1);
  const x = tf.tensor2d(rng.uniformArray(7 * 5, -1, 1), [7, 5]);
  const w = tf.tensor2d(rng.uniformArray(5 * 3, -1, 1), [5, 3]);
  const b = tf.tensor1d(rng.uniformArray(3, -1, 1));
  const probe = tf.tensor2d(rng.uniformArray(7 * 3, -1, 1), [7, 3]);
  const ours = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(matMulFast(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), probe)));
  const reference = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(x, w), b), probe)));
  assert.ok(maxAbsDiff(matMulFast(x, w, b), tf.add(tf.matMul(x, w), b)) < 1e-5);
  const [gx, gw, gb] = ours([x, w, b]);
  const [rx, rw, rb] = reference([x, w, b]);
  assert.ok(maxAbsDiff(gx!, rx!) < 1e-5 && maxAbsDiff(gw!, rw!) < 1e-5 && maxAbsDiff(gb!, rb!) < 1e-5);
});

test('the shifted-slice temporal conv equals a kernel-3 "same" conv1d', () => {
  const params = new ParameterSet(new Rng(2));
  const conv = new TemporalConv3(params, 4, 6);
  const x = tf.tensor3d(new Rng(3).uniformArray(2 * 9 * 4, -1, 1), [2, 9, 4]);
  const [weight, bias] = params.variables();
  const reference = tf.add(tf.conv1d(x, tf.reshape(weight!, [3, 4, 6]) as tf.Tensor3D, 1, 'same'), bias!);
  assert.ok(maxAbsDiff(conv.apply(x), reference) < 1e-5);
  params.dispose();
});

test('group norm: zero mean, unit variance over time × channels of each group and sample', () => {
  const params = new ParameterSet(new Rng(2));
  const norm = new GroupNorm(params, 8, 2, 1e-6);
  const x = tf.tensor3d(new Rng(5).uniformArray(3 * 10 * 8, -4, 9), [3, 10, 8]);
  const { mean, variance } = tf.moments(tf.reshape(norm.apply(x), [3, 10, 2, 4]), [1, 3]);
  assert.ok(tf.max(tf.abs(mean)).dataSync()[0]! < 1e-5);
  assert.ok(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]! < 1e-4);
  params.dispose();
});

test('receptive field: the 3 blocks\' six kernel-3 convs spread one frame over exactly 13 frames', () => {
  assert.equal(TemporalEncoder.receptiveField(3), 13);
  const params = new ParameterSet(new Rng(6));
  const convs = Array.from({ length: 6 }, (_, i) => new TemporalConv3(params.scope(`c${i}`), 4, 4));
  // Biases stay 0 and the weights are positive, so nothing cancels: the support is the receptive field.
  for (const variable of params.variables()) variable.assign(tf.abs(variable));
  const impulse = new Float32Array(31 * 4);
  impulse.fill(1, 15 * 4, 16 * 4);
  let x = tf.tensor3d(impulse, [1, 31, 4]);
  for (const conv of convs) x = conv.apply(x);
  const values = x.dataSync();
  const reached = Array.from({ length: 31 }, (_, t) => values[t * 4]! !== 0);
  assert.deepEqual(reached, Array.from({ length: 31 }, (_, t) => Math.abs(t - 15) <= 6));
  params.dispose();
});

test('gradients reach every trainable variable of the encoder side and of the discriminator', () => {
  const config = presetConfig('tiny')!;
  const model = createHmmrModel(config.model, 75, 3);
  const sequences = syntheticSequences(body, { count: 2, frames: 24, seed: 1 });
  const batch = assembleBatch(
    sequences.map((sequence, i) => ({ sequence, start: i, flip: i === 1 })),
    config.data.windowFrames,
    config.data.visibilityThreshold,
  );
  const inputs = batchToTensors(batch);
  let fakes: tf.Tensor3D | undefined;
  const encoder = tf.variableGrads(() => {
    const objective = encoderObjective(model, body, inputs, config, { adversarial: true });
    fakes = tf.keep(objective.fakeRotations);
    return objective.total;
  }, model.network.params.variables());
  const count = fakes!.shape[0];
  const realPoses = tf.tensor2d(new PoseBank(sequences).sample(new Rng(1), count), [count, 72]);
  const discriminator = tf.variableGrads(() => discriminatorObjective(model, realPoses, fakes!), model.discriminatorParams.variables());
  for (const [params, grads] of [
    [model.network.params, encoder.grads],
    [model.discriminatorParams, discriminator.grads],
  ] as const) {
    for (const [name, variable] of params.entries()) {
      const grad = grads[variable.name];
      assert.ok(grad, `no gradient for ${name}`);
      const values = grad.dataSync();
      assert.ok(values.every(Number.isFinite), `non-finite gradient for ${name}`);
      assert.ok(values.some((v) => v !== 0), `zero gradient for ${name}`);
    }
  }
  disposeHmmrModel(model);
});
