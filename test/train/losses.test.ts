import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { initBackend } from '../../src/tf/backend.js';
import { discriminatorLoss, encoderAdversarialLoss } from '../../src/train/losses/adversarial.js';
import { projectWeakPerspective, solveWeakPerspectiveCameras } from '../../src/train/losses/camera.js';
import { keypointLoss } from '../../src/train/losses/keypoints.js';
import { constantShapeLoss, hallucinationLoss, shapePriorLoss } from '../../src/train/losses/priors.js';
import { jointsLoss, smplLoss } from '../../src/train/losses/supervised-3d.js';
import { weightedMean } from '../../src/train/losses/weighted-mean.js';
import { Rng } from '../../src/train/rng.js';
import * as tf from '../../src/tf/tf.js';

before(async () => {
  await initBackend('wasm');
});

const value = (scalar: tf.Scalar) => scalar.dataSync()[0]!;
const close = (actual: number, expected: number, tolerance = 1e-6) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

test('keypoint loss: L1 over visible coordinates only', () => {
  const gt = tf.tensor3d([[[0, 0, 1], [1, 1, 0]]]);
  const pred = tf.tensor3d([[[0.5, -0.5], [3, 3]]]);
  // |0 − 0.5| + |0 + 0.5| over the 2 visible coordinates; the invisible point's error of 4 is ignored.
  close(value(keypointLoss(gt, pred)), 0.5);
});

test('a loss with no visible or no labelled element is 0, not NaN', () => {
  close(value(weightedMean(tf.tensor1d([3, 4]), tf.tensor1d([0, 0]))), 0);
  close(value(keypointLoss(tf.tensor3d([[[5, 5, 0]]]), tf.tensor3d([[[0, 0]]]))), 0);
});

test('3D joints loss: 0.5·MSE after hip-midpoint alignment, rows without 3D ignored', () => {
  const gt = new Float32Array(2 * 14 * 3);
  gt.set([1, 0, 0], 2 * 3); // right hip
  gt.set([-1, 0, 0], 3 * 3); // left hip
  const pred = Float32Array.from(gt, (v) => v + 5); // a translation: removed by the alignment
  pred[0] += 0.3; // joint 0, x
  pred.fill(9, 42); // second row: garbage, but hasJoints = 0
  const loss = jointsLoss(tf.tensor3d(gt, [2, 14, 3]), tf.tensor3d(pred, [2, 14, 3]), tf.tensor1d([1, 0]));
  close(value(loss), (0.5 * 0.09) / 42);
});

test('SMPL loss: 0.5·MSE(rotations) + 0.5·MSE(β) on rows with SMPL ground truth', () => {
  const gtRot = tf.zeros([2, 216]) as tf.Tensor2D;
  const predRot = tf.concat([tf.fill([1, 216], 0.1), tf.fill([1, 216], 7)]) as tf.Tensor2D;
  const gtShape = tf.zeros([2, 10]) as tf.Tensor2D;
  const predShape = tf.tensor2d([[1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [5, 5, 5, 5, 5, 5, 5, 5, 5, 5]]);
  close(value(smplLoss(gtRot, predRot, gtShape, predShape, tf.tensor1d([1, 0]))), 0.5 * 0.01 + 0.5 * 0.1);
});

test('constant-shape loss pairs consecutive valid frames only; shape prior is mean β²', () => {
  const betas = tf.tensor3d([[new Array(10).fill(0), new Array(10).fill(1), new Array(10).fill(1)]]);
  // Pairs (0,1) and (1,2); frame 2 is padding, so only (0,1) counts: 0.5 · mean(1²).
  close(value(constantShapeLoss(betas, tf.tensor2d([[1, 1, 0]]))), 0.5);
  close(value(shapePriorLoss(tf.tensor2d([[1, 2, 0, 0, 0, 0, 0, 0, 0, 0]]))), 0.5);
});

test('hallucination loss is the MSE between the movie strips', () => {
  close(value(hallucinationLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[2, 4]]))), 2.5);
});

test('LSGAN losses: encoder mean Σ(D(fake)−1)², discriminator mean Σ(D(real)−1)² + mean Σ D(fake)²', () => {
  const fake = tf.tensor2d([[0.5, 2]]);
  close(value(encoderAdversarialLoss(fake)), 0.25 + 1);
  close(value(discriminatorLoss(tf.tensor2d([[1, 0]]), fake)), 1 + (0.25 + 4));
});

test('weak-perspective projection adds the translation before scaling', () => {
  const projected = projectWeakPerspective(tf.tensor3d([[[1, 2, 3]]]), tf.tensor2d([[2, 0.5, -1]]));
  assert.deepEqual(Array.from(projected.dataSync()), [3, 2]);
});

test('closed-form Δt camera recovers a known scale and translation from the visible points', () => {
  const rng = new Rng(4);
  const k = 25;
  const pred = rng.uniformArray(2 * k * 2, -1, 1);
  const truth = [
    [1.7, 0.2, -0.1],
    [0.9, -0.3, 0.4],
  ];
  const gt = new Float32Array(2 * k * 3);
  for (let row = 0; row < 2; row++) {
    const [s, tx, ty] = truth[row]!;
    for (let i = 0; i < k; i++) {
      const p = (row * k + i) * 2;
      const g = (row * k + i) * 3;
      const visible = i % 4 !== 0;
      // Invisible points carry garbage that must not move the fit.
      gt.set(visible ? [s! * (pred[p]! + tx!), s! * (pred[p + 1]! + ty!), 1] : [50, -50, 0], g);
    }
  }
  const cameras = solveWeakPerspectiveCameras(pred, gt, k);
  for (let row = 0; row < 2; row++) truth[row]!.forEach((expected, i) => close(cameras[row * 3 + i]!, expected, 1e-4));
});

test('closed-form camera: scale clipped to [0.7, 10], no visible point gives (1, 0, 0)', () => {
  const pred = Float32Array.of(0, 0, 1, 0, 0, 1);
  const small = Float32Array.of(0, 0, 1, 0.3, 0, 1, 0, 0.3, 1); // true scale 0.3
  assert.equal(solveWeakPerspectiveCameras(pred, small, 3)[0], Math.fround(0.7));
  const none = Float32Array.of(0, 0, 0, 0.3, 0, 0, 0, 0.3, 0);
  assert.deepEqual(Array.from(solveWeakPerspectiveCameras(pred, none, 3)), [1, 0, 0]);
});
