import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { poseRotations, rodrigues, rotationsMinusIdentity } from '../../src/body/rodrigues.js';
import { initBackend } from '../../src/tf/backend.js';
import * as tf from '../../src/tf/tf.js';

before(async () => {
  await initBackend('wasm');
});

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `${label}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('hand-computed rotations: 90° about z and x, 180° about y, and zero', () => {
  const h = Math.PI / 2;
  const matrices = rodrigues(tf.tensor2d([[0, 0, h], [h, 0, 0], [0, Math.PI, 0], [0, 0, 0]])).arraySync();
  closeTo(matrices[0]!, [0, -1, 0, 1, 0, 0, 0, 0, 1], 1e-6, 'Rz(90°)');
  closeTo(matrices[1]!, [1, 0, 0, 0, 0, -1, 0, 1, 0], 1e-6, 'Rx(90°)');
  closeTo(matrices[2]!, [-1, 0, 0, 0, 1, 0, 0, 0, -1], 1e-6, 'Ry(180°)');
  closeTo(matrices[3]!, [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-7, 'identity');
});

test('random axis-angles give orthonormal matrices with determinant 1', () => {
  const axisAngles = tf.tensor2d(Array.from({ length: 30 }, (_, i) => Math.sin(i * 2.3) * 2), [10, 3]);
  for (const r of rodrigues(axisAngles).arraySync()) {
    const row = (i: number) => r.slice(i * 3, i * 3 + 3);
    const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(dot(row(i), row(j)) - (i === j ? 1 : 0)) < 1e-5);
    const [a, b, c] = [row(0), row(1), row(2)];
    const det = a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) - a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) + a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!);
    assert.ok(Math.abs(det - 1) < 1e-5, `det ${det}`);
  }
});

test('poseRotations and the pose feature: 24 matrices per sample; R − I is zero at rest', () => {
  const rotations = poseRotations(tf.zeros([2, 72]));
  assert.deepEqual(rotations.shape, [2, 24, 9]);
  const feature = rotationsMinusIdentity(rotations);
  assert.deepEqual(feature.shape, [2, 216]);
  assert.ok(feature.dataSync().every((value) => Math.abs(value) < 1e-7));
});

test('the gradient at the zero rotation is finite and is the skew map (dR/dθ = [e]×)', () => {
  // d(R[2][1])/dθx = 1 and d(R[1][2])/dθx = −1 at θ = 0.
  const grad = tf.grad((theta: tf.Tensor) => {
    const r = rodrigues(theta as tf.Tensor2D);
    return tf.sub(tf.slice(r, [0, 7], [1, 1]), tf.slice(r, [0, 5], [1, 1])).sum();
  })(tf.zeros([1, 3]));
  closeTo(grad.dataSync(), [2, 0, 0], 1e-3, 'gradient');
});
