import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRotationVector, normalize, rotationBetween, type Quaternion } from '../../src/util/rotation.js';
import { polynomialValueWeights, ROTATIONS, secondDifferenceEnergy, smoothSequence, VECTORS, type SmoothingOptions } from '../../src/motion/smoothing.js';
import { seededRandom } from '../helpers/seeded-random.js';

const FPS = 25;
const FILTERS: SmoothingOptions[] = [
  { method: 'savgol', window: 9, order: 2 },
  { method: 'savgol', window: 5, order: 1 },
  { method: 'savgol', window: 15, order: 3 },
  { method: 'one-euro', minCutoff: 1.5, beta: 0.5, derivativeCutoff: 1 },
  { method: 'one-euro', minCutoff: 0.3, beta: 0, derivativeCutoff: 1 },
  { method: 'one-euro', minCutoff: 4, beta: 3, derivativeCutoff: 2 },
];
const label = (options: SmoothingOptions) => JSON.stringify(options);

function randomUnitQuaternion(random: () => number): Quaternion {
  return normalize([random() - 0.5, random() - 0.5, random() - 0.5, random() - 0.5]);
}

const angleBetween = (a: Quaternion, b: Quaternion) => Math.hypot(...rotationBetween(a, b));

test('Savitzky–Golay weights are the textbook ones (window 5, order 2: [−3, 12, 17, 12, −3] / 35; window 7, order 2 centre 7/21)', () => {
  const weights = polynomialValueWeights(-2, 2, 2);
  [-3, 12, 17, 12, -3].forEach((expected, i) => assert.ok(Math.abs(weights[i]! - expected / 35) < 1e-12, `${weights[i]} vs ${expected / 35}`));
  const seven = polynomialValueWeights(-3, 3, 2);
  [-2, 3, 6, 7, 6, 3, -2].forEach((expected, i) => assert.ok(Math.abs(seven[i]! - expected / 21) < 1e-12));
});

test('a rotation at constant angular velocity about a fixed axis (any start, over ±π) passes every filter unchanged, ends included', () => {
  const random = seededRandom(11);
  for (let trial = 0; trial < 5; trial++) {
    const start = randomUnitQuaternion(random);
    // Up to 4 rad/s: the sequence wraps past π, where rotation vectors and Euler angles jump.
    const velocity = [random() - 0.5, random() - 0.5, random() - 0.5].map((value) => (value * 8) / FPS);
    const motion = Array.from({ length: 60 }, (_, t) => applyRotationVector(start, velocity.map((value) => value * t)));
    for (const options of FILTERS) {
      const smoothed = smoothSequence(ROTATIONS, motion, FPS, options);
      const worst = Math.max(...smoothed.map((q, t) => angleBetween(q, motion[t]!)));
      assert.ok(worst < 1e-9, `${label(options)}: moved by ${worst} rad`);
    }
  }
});

test('a translation at constant velocity passes every filter unchanged', () => {
  const motion = Array.from({ length: 40 }, (_, t) => [0.3 + 0.02 * t, -1.2 - 0.01 * t, 4 + 0.05 * t]);
  for (const options of FILTERS) {
    const smoothed = smoothSequence(VECTORS, motion, FPS, options);
    const worst = Math.max(...smoothed.flatMap((p, t) => p.map((value, i) => Math.abs(value - motion[t]![i]!))));
    assert.ok(worst < 1e-9, `${label(options)}: moved by ${worst} m`);
  }
});

test('smoothing never increases the Δ² jitter energy of noisy rotations and translations, and halves it for rotations (60 seeded sequences per filter)', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const random = seededRandom(seed);
    const start = randomUnitQuaternion(random);
    const noise = seed % 3 === 0 ? 0.3 : 0.03; // every third sequence is mostly noise
    const rotations = Array.from({ length: 50 }, (_, t) =>
      applyRotationVector(start, [Math.sin(t / 7) * 0.8 + noise * (random() - 0.5), Math.cos(t / 11) * 0.5 + noise * (random() - 0.5), t * 0.02 + noise * (random() - 0.5)]),
    );
    const positions = Array.from({ length: 50 }, (_, t) => [Math.sin(t / 9) + noise * (random() - 0.5), 0.01 * t + noise * (random() - 0.5), 3 + noise * (random() - 0.5)]);
    for (const options of FILTERS) {
      const before = secondDifferenceEnergy(ROTATIONS, rotations);
      const after = secondDifferenceEnergy(ROTATIONS, smoothSequence(ROTATIONS, rotations, FPS, options));
      assert.ok(after <= before, `seed ${seed} ${label(options)}: rotation jitter ${before} → ${after}`);
      assert.ok(after < 0.5 * before, `seed ${seed} ${label(options)}: the filter barely smooths (${before} → ${after})`);
      const beforeT = secondDifferenceEnergy(VECTORS, positions);
      const afterT = secondDifferenceEnergy(VECTORS, smoothSequence(VECTORS, positions, FPS, options));
      assert.ok(afterT <= beforeT, `seed ${seed} ${label(options)}: translation jitter ${beforeT} → ${afterT}`);
    }
  }
});

test('smoothing is off by default and short sequences pass through', () => {
  const motion = [[1, 2, 3]];
  assert.deepEqual(smoothSequence(VECTORS, motion, FPS, { method: 'savgol', window: 9, order: 2 }), motion);
  const jittery = [[0], [1], [0], [1]];
  assert.deepEqual(smoothSequence(VECTORS, jittery, FPS, { method: 'none' }), jittery);
});
