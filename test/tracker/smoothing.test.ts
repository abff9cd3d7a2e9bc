import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianFilter, interpolateGaps, medianFilter, smoothSignal } from '../../src/tracker/smoothing.js';

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-9) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
};

test('interpolateGaps fills inner gaps linearly and holds the ends', () => {
  const values = Float64Array.from([0, 9, 2, 9, 9, 8, 0]);
  const valid = Uint8Array.from([0, 0, 1, 0, 0, 1, 0]);
  close(interpolateGaps(values, valid), [2, 2, 2, 4, 6, 8, 8]);
  assert.deepEqual(Array.from(interpolateGaps(Float64Array.from([1, 2]), Uint8Array.from([0, 0]))), [1, 2]);
});

test('medianFilter removes a single-frame outlier and keeps a step edge', () => {
  close(medianFilter(Float64Array.from([1, 1, 1, 50, 1, 1, 1]), 3), [1, 1, 1, 1, 1, 1, 1]);
  close(medianFilter(Float64Array.from([0, 0, 0, 0, 5, 5, 5, 5]), 5), [0, 0, 0, 0, 5, 5, 5, 5]);
  assert.throws(() => medianFilter(new Float64Array(3), 4), RangeError);
});

test('gaussianFilter keeps constants and, away from the ends, straight lines; it spreads an impulse', () => {
  close(gaussianFilter(new Float64Array(20).fill(3), 3), new Float64Array(20).fill(3));
  const ramp = Float64Array.from({ length: 60 }, (_, i) => 2 * i + 1);
  const smoothed = gaussianFilter(ramp, 3);
  close(smoothed.subarray(12, 48), ramp.subarray(12, 48), 1e-9);
  const impulse = new Float64Array(41);
  impulse[20] = 1;
  const spread = gaussianFilter(impulse, 3);
  assert.ok(Math.abs(spread.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'mass is preserved');
  assert.ok(Math.abs(spread[20]! - 1 / (3 * Math.sqrt(2 * Math.PI))) < 1e-3, 'peak height matches σ = 3');
  assert.ok(Math.abs(spread[17]! - spread[23]!) < 1e-12, 'symmetric');
});

test('smoothSignal: a jittery, gappy, outlier-ridden constant comes out near the constant', () => {
  const values = Float64Array.from({ length: 40 }, (_, i) => 100 + (i % 2 === 0 ? 1 : -1));
  values[10] = 400; // a wrong detection
  const valid = new Uint8Array(40).fill(1);
  valid.fill(0, 20, 26); // a gap
  values.fill(0, 20, 26);
  const out = smoothSignal(values, valid, { medianKernel: 11, gaussianSigma: 3 });
  for (const value of out) assert.ok(Math.abs(value - 100) < 1.01, `${value}`);
});
