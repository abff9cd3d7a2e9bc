import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { presetConfig, type TrainConfig } from '../../src/train/config.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { Dropout } from '../../src/train/nn/dropout.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';
import { BatchStatistics } from '../../src/train/vp3d/batch-norm.js';
import { LifterSequence, sampleChunks } from '../../src/train/vp3d/chunks.js';
import { receptiveField, type Vp3dConfig } from '../../src/train/vp3d/config.js';
import { Vp3dLifter } from '../../src/train/vp3d/lifter.js';
import { backProject, boneLengthLoss } from '../../src/train/vp3d/losses.js';
import { vp3dObjective } from '../../src/train/vp3d/objective.js';
import { liftSequence, loadVp3dLifter } from '../../src/train/vp3d/predict-vp3d.js';
import { runVp3dTraining, splitForLifter } from '../../src/train/vp3d/train-vp3d.js';
import { tempDir } from '../helpers/temp-dir.js';
import { syntheticSequences } from './synthetic-sequences.js';
import { useStandinBody } from './standin-body.js';

let body: LbsBodyModel;
useStandinBody((loaded) => (body = loaded));

const DIMS = 75;
const features = { extractor: 'keypoints', dims: DIMS, sha: 'keypoints-v1-vis0.1' };

function smallVp3d(overrides: Partial<Vp3dConfig> = {}): Vp3dConfig {
  return { ...presetConfig('vp3d-27')!.vp3d!, channels: 16, dropoutRate: 0, ...overrides };
}

/** A lifter whose running statistics are not the identity, so inference mode is exercised. */
function lifterWithStatistics(config: Vp3dConfig, seed: number): Vp3dLifter {
  const lifter = new Vp3dLifter(config, DIMS, new Rng(seed));
  const rng = new Rng(seed + 100);
  lifter.statistics.load(new Map([...lifter.statistics.shapes()].map(([name, shape]) => [name, rng.uniformArray(shape[0]!, name.endsWith('variance') ? 0.5 : -0.3, name.endsWith('variance') ? 2 : 0.3)])));
  return lifter;
}

const randomInput = (frames: number, seed: number) => new Rng(seed).uniformArray(frames * DIMS, -1, 1);

test('presets: receptive fields 27, 81, 243 from kernel 3 and dilations 1, 3, 9, 27, 81', () => {
  // The paper's numbers: RF = 1 + 2·(1 + 3 + … + 3^(n−1)).
  assert.equal(receptiveField(presetConfig('vp3d-27')!.vp3d!.filterWidths), 27);
  assert.equal(receptiveField(presetConfig('vp3d-81')!.vp3d!.filterWidths), 81);
  assert.equal(receptiveField(presetConfig('vp3d-243')!.vp3d!.filterWidths), 243);
  assert.equal(presetConfig('cpu')!.vp3d, undefined);
});

test('layer shapes and parameter count of the lifter', () => {
  const channels = 16;
  const lifter = new Vp3dLifter(smallVp3d({ filterWidths: [3, 3, 3, 3] }), DIMS, new Rng(1));
  const shapes = lifter.params.shapes();
  assert.deepEqual(shapes.get('pose/expand/w'), [3 * DIMS, channels]);
  assert.deepEqual(shapes.get('pose/block1/conv/w'), [3 * channels, channels]);
  assert.deepEqual(shapes.get('pose/block3/pointwise/w'), [channels, channels]);
  assert.deepEqual(shapes.get('pose/shrink/w'), [channels, 14 * 3]);
  assert.deepEqual(shapes.get('trajectory/shrink/w'), [channels, 3]);
  // Per model: expand conv + BN, three blocks of (dilated conv + BN + 1×1 conv + BN), shrink with bias.
  const perModel = (outputs: number) => 3 * DIMS * channels + 2 * channels + 3 * (3 * channels * channels + 2 * channels + channels * channels + 2 * channels) + channels * outputs + outputs;
  assert.equal(lifter.params.size, perModel(42) + perModel(3));
  const input = tf.tensor3d(randomInput(2 * 90, 2), [2, 90, DIMS]);
  const { joints, trajectory } = lifter.forward(input);
  assert.deepEqual({ joints: joints.shape, trajectory: trajectory.shape }, { joints: [2, 90 - 80, 14, 3], trajectory: [2, 10, 3] });
  tf.dispose([input, joints, trajectory]);
  assert.throws(() => lifter.forward(tf.tensor3d(randomInput(80, 3), [1, 80, DIMS])), /fewer than the receptive field/);
  lifter.dispose();
});

for (const causal of [false, true]) {
  test(`${causal ? 'causal' : 'centred'}: each output depends on exactly its receptive field, and the strided model equals the dilated one`, () => {
    const lifter = lifterWithStatistics(smallVp3d({ causal }), 4);
    const frames = 60;
    const input = randomInput(frames, 5);
    const run = (values: Float32Array) => tf.tidy(() => lifter.forward(tf.tensor3d(values, [1, frames, DIMS])).joints.dataSync() as Float32Array);
    const base = run(input);
    const outputFrame = 10; // aligned with input frame 10 + 13 (centred) or 10 + 26 (causal)
    const rowOf = (values: Float32Array) => values.subarray(outputFrame * 42, (outputFrame + 1) * 42);
    const changedBy = (frame: number) => {
      const perturbed = Float32Array.from(input);
      for (let d = 0; d < DIMS; d++) perturbed[frame * DIMS + d]! += 0.5;
      return Math.max(...rowOf(run(perturbed)).map((value, i) => Math.abs(value - rowOf(base)[i]!)));
    };
    // Output i sees input frames i … i + 26.
    assert.ok(changedBy(outputFrame) > 1e-4 && changedBy(outputFrame + 26) > 1e-4, 'the window ends are read');
    assert.ok(changedBy(outputFrame - 1) === 0 && changedBy(outputFrame + 27) === 0, 'nothing outside the window is read');
    // The one-window strided model gives the same output from the same 27 frames.
    const strided = tf.tidy(() => lifter.forward(tf.tensor3d(input.subarray(outputFrame * DIMS, (outputFrame + 27) * DIMS), [1, 27, DIMS]), { strided: true }).joints.dataSync() as Float32Array);
    const worst = Math.max(...strided.map((value, i) => Math.abs(value - rowOf(base)[i]!)));
    assert.ok(worst < 1e-4, `strided vs dilated: ${worst}`);
    lifter.dispose();
  });
}

test('causal prediction never reads the future: perturbing frames after t leaves frames ≤ t unchanged', () => {
  const lifter = lifterWithStatistics(smallVp3d({ causal: true }), 6);
  const frames = 50;
  const input = randomInput(frames, 7);
  const t = 30;
  const perturbed = Float32Array.from(input);
  for (let i = (t + 1) * DIMS; i < perturbed.length; i++) perturbed[i] = -perturbed[i]! + 0.7;
  const before = liftSequence(lifter, input);
  const after = liftSequence(lifter, perturbed);
  const upTo = (t + 1) * 42;
  assert.deepEqual(after.joints3d.subarray(0, upTo), before.joints3d.subarray(0, upTo));
  assert.deepEqual(after.cameras.subarray(0, (t + 1) * 3), before.cameras.subarray(0, (t + 1) * 3));
  assert.notDeepEqual(after.joints3d.subarray(upTo, upTo + 42), before.joints3d.subarray(upTo, upTo + 42));
  // The centred model does read ahead: the same perturbation changes frame t.
  const centred = lifterWithStatistics(smallVp3d({ causal: false }), 6);
  const row = (values: Float32Array) => values.subarray(t * 42, upTo);
  assert.notDeepEqual(row(liftSequence(centred, perturbed).joints3d), row(liftSequence(centred, input).joints3d));
  lifter.dispose();
  centred.dispose();
});

test('back-projection: s·X_xy + (u, v), and its gradient reaches both models through the 2D-only batch', () => {
  const projected = tf.tidy(() =>
    backProject(tf.tensor4d([0.1, -0.2, 5, ...new Array(13 * 3).fill(0)], [1, 1, 14, 3]), tf.tensor3d([2, 0.3, -0.4], [1, 1, 3])).dataSync(),
  );
  assert.deepEqual(Array.from(projected.slice(0, 4), (v) => Number(v.toFixed(6))), [0.5, -0.8, 0.3, -0.4]);

  const config = smallVp3d();
  const lifter = new Vp3dLifter(config, DIMS, new Rng(8));
  const [threeD, twoD] = syntheticSequences(body, { count: 2, frames: 40, seed: 9 });
  const labelled = new LifterSequence(threeD!, true, 0.1);
  const unlabelled = new LifterSequence({ ...twoD!, groundTruth: undefined }, false, 0.1);
  const rng = new Rng(10);
  const onlyReprojection = { joints: 0, trajectory: 0, reprojection: 1, boneLength: 0 };
  const gradientNorms = (weights: Vp3dConfig['loss']) => {
    const labelledBatch = sampleChunks([labelled], 2, 8, lifter.context, 0, rng);
    const unlabelledBatch = sampleChunks([unlabelled], 2, 8, lifter.context, 0, rng);
    const statistics = new BatchStatistics();
    const { grads } = tf.variableGrads(() => vp3dObjective(lifter, labelledBatch, unlabelledBatch, weights, { statistics, dropout: new Dropout(rng, 0) }, false).total, lifter.params.variables());
    statistics.discard();
    const names = new Map(lifter.params.entries().map(([name, variable]) => [variable.name, name]));
    const norms = new Map(Object.entries(grads).map(([tfName, grad]) => [names.get(tfName)!, tf.norm(grad).dataSync()[0]!]));
    tf.dispose(Object.values(grads));
    return norms;
  };
  const reprojection = gradientNorms(onlyReprojection);
  for (const name of ['pose/expand/w', 'pose/block2/conv/w', 'pose/shrink/w', 'trajectory/expand/w', 'trajectory/shrink/w']) {
    assert.ok((reprojection.get(name) ?? 0) > 1e-6, `${name}: ${reprojection.get(name)}`);
  }
  const bones = gradientNorms({ ...onlyReprojection, reprojection: 0, boneLength: 1 });
  assert.ok((bones.get('pose/shrink/w') ?? 0) > 1e-6 && !((bones.get('trajectory/shrink/w') ?? 0) > 0), 'the bone term trains the pose model only');
  lifter.dispose();
});

test('bone-length term: the mean |difference| of mean bone lengths between the two batches', () => {
  // A straight skeleton along x with every joint 0.1 m from the last vs one with every joint 0.3 m.
  const skeleton = (spacing: number) => tf.tensor4d(Array.from({ length: 14 }, (_, j) => [j * spacing, 0, 0]).flat(), [1, 1, 14, 3]);
  // Bones (a, b) have length |a − b|·spacing; the term is the mean over bones of |Δspacing|·|a − b|.
  const bones = [[0, 1], [1, 2], [5, 4], [4, 3], [2, 3], [6, 7], [7, 8], [11, 10], [10, 9], [8, 12], [9, 12], [12, 13], [2, 8], [3, 9]];
  const expected = bones.reduce((sum, [a, b]) => sum + 0.2 * Math.abs(a! - b!), 0) / bones.length;
  const value = tf.tidy(() => boneLengthLoss(skeleton(0.1), skeleton(0.3)).dataSync()[0]!);
  assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
});

test('threeDFraction keeps a seeded share of the 3D tubes; the rest become 2D-only', () => {
  const sequences = syntheticSequences(body, { count: 10, frames: 4, seed: 11 });
  const a = splitForLifter(sequences, { threeDFraction: 0.3 }, 1);
  assert.equal(a.labelled.length, 3);
  assert.equal(a.unlabelled.length, 7);
  assert.deepEqual(splitForLifter(sequences, { threeDFraction: 0.3 }, 1).labelled.map((s) => s.id), a.labelled.map((s) => s.id));
  assert.notDeepEqual(splitForLifter(sequences, { threeDFraction: 0.3 }, 2).labelled.map((s) => s.id).sort(), a.labelled.map((s) => s.id).sort());
  assert.equal(splitForLifter(sequences, { threeDFraction: 1 }, 1).unlabelled.length, 0);
});

test('a tiny lifter overfits two sequences, and its checkpoint predicts what it trained', async () => {
  const sequences = syntheticSequences(body, { count: 2, frames: 48, seed: 12 });
  const base = presetConfig('vp3d-27')!;
  const config: TrainConfig = {
    ...base,
    data: { ...base.data, batchSize: 4, microBatch: 4, flipProbability: 0 },
    schedule: { ...base.schedule, logEvery: 50, checkpointEvery: 1000 },
    vp3d: { ...base.vp3d!, channels: 32, dropoutRate: 0, chunkFrames: 16 },
  };
  // Pelvis-relative ground truth computed here, independently of the lifter's data code.
  const mpjpe = (lifter: Vp3dLifter) => {
    let total = 0;
    let count = 0;
    for (const sequence of sequences) {
      const predicted = liftSequence(lifter, sequence.features.original).joints3d;
      const gt = sequence.groundTruth!.joints3d;
      for (let f = 0; f < sequence.frameCount; f++) {
        const pelvis = [0, 1, 2].map((axis) => (gt[(f * 14 + 2) * 3 + axis]! + gt[(f * 14 + 3) * 3 + axis]!) / 2);
        for (let j = 0; j < 14; j++) {
          const i = (f * 14 + j) * 3;
          total += Math.hypot(predicted[i]! - (gt[i]! - pelvis[0]!), predicted[i + 1]! - (gt[i + 1]! - pelvis[1]!), predicted[i + 2]! - (gt[i + 2]! - pelvis[2]!));
          count++;
        }
      }
    }
    return (1000 * total) / count;
  };
  const initial = new Vp3dLifter(config.vp3d!, DIMS, new Rng(3));
  const before = mpjpe(initial);
  initial.dispose();
  const dir = tempDir();
  const summary = await runVp3dTraining({ outDir: dir, config, steps: 400, resume: false, seed: 3, sequences, body, features });
  assert.equal(summary.endStep, 400);
  const content = readCheckpoint(dir, { withOptimizer: false });
  assert.deepEqual(content.config.vp3d, config.vp3d);
  const trained = loadVp3dLifter(content, dir);
  const after = mpjpe(trained);
  trained.dispose();
  assert.ok(after < 30 && after < before / 5, `MPJPE on the training sequences ${before.toFixed(1)} mm → ${after.toFixed(1)} mm`);
});
