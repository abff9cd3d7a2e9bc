import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accelerationErrorPerWindow, accelerationPerWindow, perFrame2ToPerSecond2 } from '../../src/metrics/acceleration.js';
import { aggregateAcrossSequences } from '../../src/metrics/aggregate.js';
import { framesFor3dMetrics } from '../../src/metrics/frame-filter.js';
import { alignByPelvis } from '../../src/metrics/joint-arrays.js';
import { mpjpePerFrame } from '../../src/metrics/mpjpe.js';
import { fitScaleTranslation2d, pckPerFrame } from '../../src/metrics/pck.js';
import { gaussian } from '../../src/synth/random.js';
import { Rng } from '../../src/train/rng.js';

const J = 14;
const random = new Rng(11);
const randomJoints = (frames: number, dims = 3, spread = 0.4): Float64Array =>
  Float64Array.from({ length: frames * J * dims }, () => gaussian(random, 0, spread));

test('MPJPE of identical inputs is 0, and a global offset does not count (pelvis alignment)', () => {
  const gt = randomJoints(4);
  assert.deepEqual([...mpjpePerFrame(gt, gt, J)], [0, 0, 0, 0]);
  const shifted = Float64Array.from(gt, (v, i) => v + [0.5, -2, 7][i % 3]!);
  for (const error of mpjpePerFrame(shifted, gt, J)) assert.ok(error < 1e-12);
});

test('MPJPE is the mean joint distance after subtracting the hip midpoint', () => {
  const gt = new Float64Array(J * 3);
  const pred = new Float64Array(J * 3);
  // One joint (the right wrist, 6) off by (0.03, 0.04, 0): 5 cm on one of 14 joints.
  pred[6 * 3] = 0.03;
  pred[6 * 3 + 1] = 0.04;
  assert.ok(Math.abs(mpjpePerFrame(pred, gt, J)[0]! - 0.05 / 14) < 1e-15);
  // Moving only the right hip (2) by 2 cm moves the pelvis by 1 cm: 12 joints 1 cm off, both hips 1 cm.
  const hip = new Float64Array(J * 3);
  hip[2 * 3] = 0.02;
  assert.ok(Math.abs(mpjpePerFrame(hip, gt, J)[0]! - 0.01) < 1e-15);
  const aligned = alignByPelvis(hip, J);
  assert.equal(aligned[2 * 3], 0.01);
  assert.equal(aligned[3 * 3], -0.01);
});

test('frames masked out are NaN and skipped by the aggregates', () => {
  const gt = randomJoints(3);
  const pred = randomJoints(3);
  const errors = mpjpePerFrame(pred, gt, J, Uint8Array.of(1, 0, 1));
  assert.ok(Number.isNaN(errors[1]!));
  assert.ok(errors[0]! > 0 && errors[2]! > 0);
});

test('the 3D frame filter needs more than 6 visible keypoints', () => {
  const visible = new Uint8Array(3 * J);
  visible.fill(1, 0, 6); // frame 0: 6 visible → excluded
  visible.fill(1, J, J + 7); // frame 1: 7 visible → included
  visible.fill(1, 2 * J, 3 * J); // frame 2: all
  assert.deepEqual([...framesFor3dMetrics(3, J, visible)], [0, 1, 1]);
  assert.deepEqual([...framesFor3dMetrics(3, J, undefined)], [1, 1, 1]);
});

test('acceleration error of a constant-velocity offset is 0; own acceleration of a parabola is exact', () => {
  const frames = 8;
  const gt = randomJoints(frames);
  // pred = gt + v·t: Δ² of a linear term vanishes.
  const pred = Float64Array.from(gt, (v, i) => v + 0.01 * Math.floor(i / (J * 3)) * (1 + (i % 3)));
  for (const error of accelerationErrorPerWindow(pred, gt, J)) assert.ok(error < 1e-12);
  // x(t) = a t² / 2 for every joint → Δ²x = a each window, norm a.
  const a = 0.004;
  const parabola = new Float64Array(frames * J * 3);
  for (let t = 0; t < frames; t++) for (let j = 0; j < J; j++) parabola[(t * J + j) * 3] = (a * t * t) / 2;
  const accel = accelerationPerWindow(parabola, J);
  assert.equal(accel.length, frames - 2);
  for (const value of accel) assert.ok(Math.abs(value - a) < 1e-12);
  assert.ok(Math.abs(perFrame2ToPerSecond2(a, 25) - a * 625) < 1e-12);
});

test('acceleration error drops every window touching an invalid frame', () => {
  const frames = 7;
  const gt = randomJoints(frames);
  const pred = randomJoints(frames);
  const mask = Uint8Array.of(1, 1, 1, 0, 1, 1, 1);
  const windows = accelerationErrorPerWindow(pred, gt, J, mask);
  // Windows start at 0..4; those covering frame 3 start at 1, 2, 3.
  assert.deepEqual([...windows].map(Number.isNaN), [false, true, true, true, false]);
  assert.equal(accelerationErrorPerWindow(pred, gt, J).length, 5);
  assert.equal(accelerationPerWindow(randomJoints(2), J).length, 0);
});

test('PCK: a prediction off by scale and translation is fully correct; misses count against visible points only', () => {
  const frames = 2;
  const gt = randomJoints(frames, 2, 40).map((v) => v + 112);
  const pred = Float64Array.from(gt, (v, i) => 0.5 * v + (i % 2 === 0 ? 30 : -10));
  const visible = new Uint8Array(frames * J).fill(1);
  assert.deepEqual([...pckPerFrame(pred, gt, visible, J)], [1, 1]);
  // Frame 0: two visible points 25 px off in opposite directions (the fitted camera barely moves,
  // so both miss the 11.2 px threshold and all others hit) and a hidden one far off (not counted).
  const moved = Float64Array.from(gt);
  moved[0 * 2] += 25;
  moved[5 * 2] -= 25;
  moved[9 * 2] += 200;
  visible[9] = 0;
  const pck = pckPerFrame(moved, gt, visible, J);
  assert.equal(pck[0], 11 / 13);
  assert.equal(pck[1], 1);
});

test('PCK skips frames with fewer than 6 visible points and the fit inverts a known camera', () => {
  const gt = randomJoints(1, 2, 30);
  const visible = new Uint8Array(J);
  visible.fill(1, 0, 5);
  assert.ok(Number.isNaN(pckPerFrame(gt, gt, visible, J)[0]!));
  visible[5] = 1;
  assert.equal(pckPerFrame(gt, gt, visible, J)[0], 1);
  // want = 2·(got + (3, −4)) → scale 2, t = (3, −4) (the 1e-6 regulariser is negligible here).
  const want = Float64Array.from(gt, (v, i) => 2 * (v + (i % 2 === 0 ? 3 : -4)));
  const camera = fitScaleTranslation2d(gt, want, new Uint8Array(J).fill(1), J);
  assert.ok(Math.abs(camera.scale - 2) < 1e-6 && Math.abs(camera.tx - 3) < 1e-5 && Math.abs(camera.ty + 4) < 1e-5);
});

test('aggregation: per-sequence mean of means vs mean over all frames', () => {
  const short = Float64Array.of(1, NaN);
  const long = Float64Array.of(3, 3, 3, NaN);
  const empty = Float64Array.of(NaN, NaN);
  const result = aggregateAcrossSequences([short, long, empty]);
  assert.equal(result.perSequence, 2); // (1 + 3) / 2
  assert.equal(result.allFrames, 2.5); // (1 + 3 + 3 + 3) / 4
  assert.equal(result.countedFrames, 4);
  assert.equal(result.countedSequences, 2);
  assert.ok(Number.isNaN(aggregateAcrossSequences([empty]).perSequence));
});
