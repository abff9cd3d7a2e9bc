import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COCO18_NAMES } from '../../src/body/joint-sets.js';
import { DEFAULT_DETECTOR_NOISE, simulateDetection } from '../../src/synth/detector-noise.js';
import { MOTION_NAMES } from '../../src/synth/motions.js';
import { axisAngleToMatrix, matrixToAxisAngle, multiply, rotationX, rotationY } from '../../src/synth/rotation.js';
import { sampleSequenceSpec, sequenceMotion } from '../../src/synth/sequence-spec.js';
import { cameraForCrop, projectToCrop } from '../../src/body/weak-perspective.js';
import { Rng } from '../../src/train/rng.js';

function rotationAngleBetween(a: Float64Array, b: Float64Array): number {
  // trace(aᵀ b) = 1 + 2 cos θ
  let trace = 0;
  for (let i = 0; i < 3; i++) for (let k = 0; k < 3; k++) trace += a[k * 3 + i]! * b[k * 3 + i]!;
  return Math.acos(Math.max(-1, Math.min(1, (trace - 1) / 2)));
}

test('axis-angle ↔ matrix round trip, including angles at and near π', () => {
  const random = new Rng(21);
  for (let trial = 0; trial < 200; trial++) {
    const axis = [random.normal(), random.normal(), random.normal()];
    const norm = Math.hypot(...axis);
    const angle = trial < 20 ? Math.PI - trial * 1e-7 : random.next() * Math.PI;
    const v = axis.map((c) => (c / norm) * angle) as [number, number, number];
    const m = axisAngleToMatrix(v);
    const back = matrixToAxisAngle(m);
    assert.ok(rotationAngleBetween(m, axisAngleToMatrix(back)) < 1e-7, `trial ${trial}`);
    assert.ok(Math.hypot(...back) <= Math.PI + 1e-9);
    if (angle < 3) for (let i = 0; i < 3; i++) assert.ok(Math.abs(back[i]! - v[i]!) < 1e-9);
  }
  // The upright root, Rx(π)·Ry(yaw), is exactly the kind of rotation an arccos-based log map loses.
  for (const yaw of [0, 0.3, -2, Math.PI]) {
    const m = multiply(rotationX(Math.PI), rotationY(yaw));
    assert.ok(rotationAngleBetween(m, axisAngleToMatrix(matrixToAxisAngle(m))) < 1e-9);
  }
});

test('every motion is smooth: at 1000 fps joint rotations turn by tiny, evenly changing steps', () => {
  // A kink (a jump in angular velocity) would change the per-frame step by about (velocity jump)/fps,
  // while a smooth motion changes it by only (angular acceleration)/fps².
  const random = new Rng(22);
  const fps = 1000;
  const frames = 1000;
  MOTION_NAMES.forEach((motion, index) => {
    const spec = sampleSequenceSpec(random, index, 'test-');
    assert.equal(spec.motion, motion);
    const { poses } = sequenceMotion(spec, frames, fps);
    assert.ok(poses.every(Number.isFinite));
    const matrixAt = (f: number, joint: number) =>
      axisAngleToMatrix([poses[f * 72 + joint * 3]!, poses[f * 72 + joint * 3 + 1]!, poses[f * 72 + joint * 3 + 2]!]);
    for (let joint = 0; joint < 24; joint++) {
      let previousStep = -1;
      for (let f = 0; f + 1 < frames; f++) {
        const step = rotationAngleBetween(matrixAt(f, joint), matrixAt(f + 1, joint));
        assert.ok(step < 0.02, `${motion} joint ${joint} frame ${f}: ${step} rad in 1 ms`);
        if (previousStep >= 0) assert.ok(Math.abs(step - previousStep) < 2e-4, `${motion} joint ${joint} frame ${f}: angular speed jumps`);
        previousStep = step;
      }
    }
  });
});

test('motions differ from one another and actually move', () => {
  const random = new Rng(23);
  const spreads = MOTION_NAMES.map((_, index) => {
    const { poses } = sequenceMotion(sampleSequenceSpec(random, index, 't-'), 50, 25);
    let spread = 0;
    for (let i = 3; i < 72; i++) spread += Math.abs(poses[25 * 72 + i]! - poses[i]!) + Math.abs(poses[12 * 72 + i]! - poses[i]!);
    return spread;
  });
  for (const spread of spreads) assert.ok(spread > 0.2, `spread ${spread}`);
});

test('simulated detections: face hidden from behind, points jittered near the truth, misses are zero triples', () => {
  const random = new Rng(24);
  const names = COCO18_NAMES;
  const points = Float64Array.from({ length: names.length * 2 }, (_, i) => (i % 2 === 0 ? 100 + i : 80 + i));
  const input = { points, bodyYaw: Math.PI, pixelsPerMetre: 60, frameWidth: 320, frameHeight: 240 };
  const noSwaps = { ...DEFAULT_DETECTOR_NOISE, swapRate: 0 };
  let detected = 0;
  for (let trial = 0; trial < 50; trial++) {
    const keypoints = simulateDetection(input, names, random, noSwaps);
    for (const face of ['nose', 'left_eye', 'right_eye']) assert.equal(keypoints[names.indexOf(face as never) * 3 + 2], 0);
    for (let k = 0; k < names.length; k++) {
      const c = keypoints[k * 3 + 2]!;
      if (c === 0) {
        assert.equal(keypoints[k * 3], 0);
        continue;
      }
      detected++;
      assert.ok(c >= 0.3 && c <= 0.95);
      assert.ok(Math.hypot(keypoints[k * 3]! - points[k * 2]!, keypoints[k * 3 + 1]! - points[k * 2 + 1]!) < 6 * 0.025 * 60 * 1.2);
    }
  }
  assert.ok(detected > 50 * 10, `${detected} detections`);
  // Points outside the frame are never reported.
  const outside = simulateDetection({ ...input, points: points.map((v) => v + 1000) }, names, random, noSwaps);
  assert.ok(outside.every((v) => v === 0));
});

test('left/right swaps happen at about the configured rate and exchange a mirrored pair', () => {
  const random = new Rng(25);
  const names = COCO18_NAMES;
  const points = Float64Array.from({ length: names.length * 2 }, (_, i) => 50 + 4 * i);
  const clean = { ...DEFAULT_DETECTOR_NOISE, swapRate: 0.5, dropoutRate: 0, jitterMetres: 0, profileOcclusionRate: 0 };
  let swaps = 0;
  for (let trial = 0; trial < 400; trial++) {
    const keypoints = simulateDetection({ points, bodyYaw: 0, pixelsPerMetre: 60, frameWidth: 320, frameHeight: 240 }, names, random, clean);
    const moved = names.map((_, k) => Math.abs(keypoints[k * 3]! - points[k * 2]!) > 1e-3);
    const movedNames = names.filter((_, k) => moved[k]);
    if (movedNames.length === 0) continue;
    swaps++;
    assert.equal(movedNames.length, 2);
    assert.equal(movedNames[0]!.replace(/^(left|right)_/, ''), movedNames[1]!.replace(/^(left|right)_/, ''));
  }
  assert.ok(swaps > 150 && swaps < 250, `${swaps} swaps in 400 frames at rate 0.5`);
});

test('the crop camera reproduces the frame projection mapped into the crop', () => {
  // A point at X metres lands at ppm·X + origin in the frame; in the crop at (u − centre)·scale + 112.
  const ppm = 64;
  const origin: [number, number] = [150, 110];
  const crop = { centerX: 160, centerY: 118, scale: 1.3 };
  const joints = Float64Array.of(0.1, -0.7, 0.05, -0.2, 0.9, -0.3);
  const projected = projectToCrop(joints, cameraForCrop(ppm, origin[0], origin[1], crop), 2);
  for (let j = 0; j < 2; j++) {
    for (let d = 0; d < 2; d++) {
      const framePx = ppm * joints[j * 3 + d]! + origin[d]!;
      const cropPx = (framePx - (d === 0 ? crop.centerX : crop.centerY)) * crop.scale + 112;
      assert.ok(Math.abs(projected[j * 2 + d]! - cropPx) < 1e-4);
    }
  }
});
