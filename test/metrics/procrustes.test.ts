import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySimilarityTransform, fitSimilarityTransform, paMpjpePerFrame } from '../../src/metrics/procrustes.js';
import { mpjpePerFrame } from '../../src/metrics/mpjpe.js';
import { symmetricEigen } from '../../src/metrics/symmetric-eigen.js';
import { gaussian, uniform, type RandomSource } from '../../src/synth/random.js';
import { Rng } from '../../src/train/rng.js';

const J = 14;

function randomPoints(random: RandomSource, count: number, spread = 0.5): Float64Array {
  return Float64Array.from({ length: count * 3 }, () => gaussian(random, 0, spread));
}

/** Rotation matrix (row-major) of a random unit quaternion. */
function randomRotation(random: RandomSource): Float64Array {
  const q = [random.normal(), random.normal(), random.normal(), random.normal()];
  const n = Math.hypot(...q);
  const [w, x, y, z] = q.map((v) => v / n) as [number, number, number, number];
  return Float64Array.of(
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  );
}

function det3(m: Float64Array): number {
  return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

function transform(points: Float64Array, count: number, scale: number, rotation: Float64Array, translation: number[]): Float64Array {
  return applySimilarityTransform({ scale, rotation, translation: Float64Array.from(translation) }, points, count);
}

function sumSquaredResidual(source: Float64Array, target: Float64Array, count: number, rotation: Float64Array): number {
  // Scale and translation stay at the joint optimum: there, perturbing R alone cannot lower the residual.
  const fit = fitSimilarityTransform(source, target, count);
  const mapped = applySimilarityTransform({ ...fit, rotation }, source, count);
  let sum = 0;
  for (let i = 0; i < count * 3; i++) sum += (mapped[i]! - target[i]!) ** 2;
  return sum;
}

test('symmetricEigen satisfies A v = λ v with orthonormal vectors', () => {
  const random = new Rng(1);
  const b = Float64Array.from({ length: 16 }, () => random.normal());
  const a = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) a[i * 4 + j] = b[i * 4 + j]! + b[j * 4 + i]!;
  const { values, vectors } = symmetricEigen(a, 4);
  for (let k = 0; k < 4; k++) {
    for (let i = 0; i < 4; i++) {
      let av = 0;
      for (let j = 0; j < 4; j++) av += a[i * 4 + j]! * vectors[j * 4 + k]!;
      assert.ok(Math.abs(av - values[k]! * vectors[i * 4 + k]!) < 1e-10);
    }
    for (let l = 0; l < 4; l++) {
      let dot = 0;
      for (let i = 0; i < 4; i++) dot += vectors[i * 4 + k]! * vectors[i * 4 + l]!;
      assert.ok(Math.abs(dot - (k === l ? 1 : 0)) < 1e-12);
    }
  }
});

test('fitSimilarityTransform recovers a known scale, rotation and translation', () => {
  const random = new Rng(2);
  for (let trial = 0; trial < 20; trial++) {
    const source = randomPoints(random, J);
    const rotation = randomRotation(random);
    const scale = uniform(random, 0.5, 2);
    const translation = [random.normal(), random.normal(), random.normal()];
    const target = transform(source, J, scale, rotation, translation);
    const fit = fitSimilarityTransform(source, target, J);
    assert.ok(Math.abs(fit.scale - scale) < 1e-9, `scale ${fit.scale} vs ${scale}`);
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(fit.rotation[i]! - rotation[i]!) < 1e-9);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(fit.translation[i]! - translation[i]!) < 1e-9);
  }
});

test('PA-MPJPE is unchanged by a random similarity transform of the prediction', () => {
  const random = new Rng(3);
  const frames = 5;
  const gt = randomPoints(random, frames * J);
  const pred = Float64Array.from(gt, (v) => v + gaussian(random, 0, 0.05));
  const base = paMpjpePerFrame(pred, gt, J);
  const moved = new Float64Array(pred.length);
  for (let f = 0; f < frames; f++) {
    const framePoints = pred.subarray(f * J * 3, (f + 1) * J * 3);
    moved.set(transform(framePoints, J, uniform(random, 0.3, 3), randomRotation(random), [1, -2, 3]), f * J * 3);
  }
  const after = paMpjpePerFrame(moved, gt, J);
  for (let f = 0; f < frames; f++) {
    assert.ok(base[f]! > 0.01, 'noise gives a visible error');
    assert.ok(Math.abs(after[f]! - base[f]!) < 1e-9, `frame ${f}: ${after[f]} vs ${base[f]}`);
  }
});

test('Procrustes never leaves a larger squared error than pelvis alignment; exact similarity copies score 0', () => {
  // The least-squares fit includes the pelvis-aligned pose (R = I, s = 1) among its candidates, so
  // its sum of squared distances cannot be larger. (Mean distance, MPJPE's measure, usually but not
  // always drops too: the fit spreads one outlier's error over every joint.)
  const random = new Rng(4);
  for (let trial = 0; trial < 10; trial++) {
    const gt = randomPoints(random, J);
    const pred = Float64Array.from(gt, (v) => v + gaussian(random, 0, 0.03) + 0.2);
    const fitted = applySimilarityTransform(fitSimilarityTransform(pred, gt, J), pred, J);
    const pelvisShift = [0, 1, 2].map((d) => (pred[2 * 3 + d]! + pred[3 * 3 + d]! - gt[2 * 3 + d]! - gt[3 * 3 + d]!) / 2);
    let fittedSquared = 0;
    let alignedSquared = 0;
    for (let i = 0; i < J * 3; i++) {
      fittedSquared += (fitted[i]! - gt[i]!) ** 2;
      alignedSquared += (pred[i]! - pelvisShift[i % 3]! - gt[i]!) ** 2;
    }
    assert.ok(fittedSquared <= alignedSquared + 1e-12);
    assert.ok(paMpjpePerFrame(pred, gt, J)[0]! <= mpjpePerFrame(pred, gt, J)[0]! + 1e-12, 'Gaussian noise: PA below MPJPE');
  }
  const gt = randomPoints(random, J);
  const exact = paMpjpePerFrame(transform(gt, J, 2, randomRotation(random), [0.3, 0, 1]), gt, J);
  assert.ok(exact[0]! < 1e-12);
});

test('a mirrored prediction is aligned with a proper rotation, not a reflection', () => {
  const random = new Rng(5);
  const gt = randomPoints(random, J);
  const mirrored = Float64Array.from(gt, (v, i) => (i % 3 === 0 ? -v : v));
  const fit = fitSimilarityTransform(mirrored, gt, J);
  assert.ok(Math.abs(det3(fit.rotation) - 1) < 1e-9, `det R = ${det3(fit.rotation)}`);
  // A reflection would align a mirror image perfectly; a rotation cannot for non-planar points.
  assert.ok(paMpjpePerFrame(mirrored, gt, J)[0]! > 0.05);
  // The fitted rotation is a local optimum: small rotations about any axis do not lower the residual.
  const best = sumSquaredResidual(mirrored, gt, J, fit.rotation);
  for (const axis of [0, 1, 2]) {
    for (const angle of [-1e-3, 1e-3]) {
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const small = axis === 0 ? [1, 0, 0, 0, c, -s, 0, s, c] : axis === 1 ? [c, 0, s, 0, 1, 0, -s, 0, c] : [c, -s, 0, s, c, 0, 0, 0, 1];
      const perturbed = new Float64Array(9);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) perturbed[i * 3 + j] += small[i * 3 + k]! * fit.rotation[k * 3 + j]!;
      assert.ok(sumSquaredResidual(mirrored, gt, J, perturbed) >= best - 1e-12);
    }
  }
});

test('PA-MPJPE and MPJPE match hand-computed values for an octahedron stretched along x', () => {
  // gt: unit octahedron (±x, ±y, ±z); pred: the x vertices at ±3. By symmetry R = I; K = diag(6, 2, 2),
  // ‖X_pred‖² = 22, so s = 10/22 = 5/11: x vertices land at 15/11 (error 4/11), the others at 5/11
  // (error 6/11): PA-MPJPE = (2·4 + 4·6)/11/6 = 16/33. Pelvis (points 2, 3: ±y) is the origin, so
  // MPJPE = (2 + 2)/6 = 2/3.
  const gt = Float64Array.of(1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1);
  const pred = Float64Array.of(3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1);
  assert.ok(Math.abs(fitSimilarityTransform(pred, gt, 6).scale - 5 / 11) < 1e-12);
  assert.ok(Math.abs(paMpjpePerFrame(pred, gt, 6)[0]! - 16 / 33) < 1e-12);
  assert.ok(Math.abs(mpjpePerFrame(pred, gt, 6)[0]! - 2 / 3) < 1e-12);
});
