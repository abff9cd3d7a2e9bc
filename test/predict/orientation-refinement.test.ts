import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refineOrientation, type RefinablePrediction } from '../../src/predict/orientation-refinement.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { rotationMatrix } from '../helpers/rotation-matrix.js';

// A body in its own frame (x left→right of the image, y down, z away from the camera), metres: LSP-14
// order (right ankle, knee, hip, left hip, knee, ankle, right wrist, elbow, shoulder, left shoulder,
// elbow, wrist, neck, head top), with depth: one foot forward, arms reaching forward and back.
const BODY = [
  [-0.1, 0.9, -0.15], [-0.1, 0.5, -0.1], [-0.1, 0, 0], [0.1, 0, 0], [0.12, 0.45, 0.05], [0.14, 0.9, 0.1],
  [-0.35, -0.1, -0.3], [-0.25, -0.25, -0.15], [-0.18, -0.5, 0], [0.18, -0.5, 0], [0.3, -0.3, 0.12], [0.4, -0.2, 0.25],
  [0, -0.55, 0], [0, -0.8, -0.02],
];
const J = BODY.length;
const THETA = 85;
const KEYPOINTS = 25;

function times(m: readonly number[], p: readonly number[]): number[] {
  return [0, 1, 2].map((row) => m[row * 3]! * p[0]! + m[row * 3 + 1]! * p[1]! + m[row * 3 + 2]! * p[2]!);
}

function product(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) out.push(a[row * 3]! * b[col]! + a[row * 3 + 1]! * b[3 + col]! + a[row * 3 + 2]! * b[6 + col]!);
  return out;
}

/** The stand-in body model: Θ's root rotation (Θ[3..5]) turns BODY; the rest of Θ is ignored. */
function jointsOf(theta: Float32Array): Float32Array {
  const frames = theta.length / THETA;
  const out = new Float32Array(frames * J * 3);
  for (let f = 0; f < frames; f++) {
    const m = rotationMatrix(Array.from(theta.subarray(f * THETA + 3, f * THETA + 6)));
    BODY.forEach((point, j) => out.set(times(m, point), (f * J + j) * 3));
  }
  return out;
}

/** Frames whose Θ turns the body by `root` and has the given camera. */
function prediction(frames: number, root: number[], camera: number[]): RefinablePrediction {
  const theta = new Float32Array(frames * THETA);
  for (let f = 0; f < frames; f++) theta.set([...camera, ...root], f * THETA);
  return { frameCount: frames, theta, joints3d: jointsOf(theta) };
}

/** What a detector sees of the true body (turned by `truth`) through camera [s, tx, ty]: x = s·(X_xy + t), confidence 0.9. */
function keypointsOf(frames: number, truth: readonly number[], camera: readonly number[], noise = 0, seed = 1): Float32Array {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const m = rotationMatrix(truth);
  const out = new Float32Array(frames * KEYPOINTS * 3);
  for (let f = 0; f < frames; f++) {
    BODY.forEach((point, j) => {
      const [x, y] = times(m, point);
      out.set([camera[0]! * (x! + camera[1]!) + noise * gaussian(), camera[0]! * (y! + camera[2]!) + noise * gaussian(), 0.9], (f * KEYPOINTS + j) * 3);
    });
  }
  return out;
}

/** Mean distance (metres) between the refined joints of every frame and the true body turned by `truth`. */
function jointError(joints: Float32Array, truth: readonly number[]): number {
  const m = rotationMatrix(truth);
  let sum = 0;
  for (let f = 0; f < joints.length / (J * 3); f++) {
    BODY.forEach((point, j) => {
      const expected = times(m, point);
      sum += Math.hypot(joints[(f * J + j) * 3]! - expected[0]!, joints[(f * J + j) * 3 + 1]! - expected[1]!, joints[(f * J + j) * 3 + 2]! - expected[2]!);
    });
  }
  return sum / (joints.length / 3);
}

// Θ's upright root (π about x) turns SMPL's y-up body into image coordinates; the network's guess is
// turned 25° too little about the vertical axis and tilted 5° the wrong way.
const UPRIGHT = [Math.PI, 0, 0];
const TRUE_TURN = [0.05, 0.45, 0];
const GUESS_TURN = [-0.04, 0.02, 0];
/** The axis-angle vector of a rotation matrix; at angle π the axis comes from the diagonal (R = 2uuᵀ − I). */
function axisAngle(r: readonly number[]): number[] {
  const angle = Math.acos(Math.max(-1, Math.min(1, (r[0]! + r[4]! + r[8]! - 1) / 2)));
  const axis = [r[7]! - r[5]!, r[2]! - r[6]!, r[3]! - r[1]!];
  const norm = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
  if (norm > 1e-6) return axis.map((c) => (c / norm) * angle);
  return [Math.sqrt((r[0]! + 1) / 2), Math.sign(r[1]!) * Math.sqrt((r[4]! + 1) / 2), Math.sign(r[2]!) * Math.sqrt((r[8]! + 1) / 2)].map((c) => c * angle);
}

/** Θ's root for a body upright in the image and then turned by `turn`. */
const rootOf = (turn: readonly number[]) => axisAngle(product(rotationMatrix(turn), rotationMatrix(UPRIGHT)));
const CAMERA = [0.8, 0.05, -0.1];

test('refinement turns a mis-turned body onto its clean keypoints: joints within 2 mm, camera recovered', () => {
  const frames = 12;
  const guess = prediction(frames, rootOf(GUESS_TURN), [0.9, 0, 0]);
  const keypoints = keypointsOf(frames, rootOf(TRUE_TURN), CAMERA);
  const before = jointError(guess.joints3d, rootOf(TRUE_TURN));
  const refined = refineOrientation(guess, keypoints, KEYPOINTS, jointsOf, { halfWindow: 0, minKeypoints: 6 });
  const after = jointError(refined.joints3d, rootOf(TRUE_TURN));
  assert.ok(before > 0.08, `the guess is ${(before * 1000).toFixed(0)} mm off`);
  assert.ok(after < 0.002, `refined joints ${(after * 1000).toFixed(2)} mm from the truth`);
  for (let f = 0; f < frames; f++) {
    const camera = Array.from(refined.theta.subarray(f * THETA, f * THETA + 3));
    camera.forEach((value, i) => assert.ok(Math.abs(value - CAMERA[i]!) < 0.005, `frame ${f} camera ${camera.map((c) => c.toFixed(3))} vs ${CAMERA}`));
  }
  // The body's own pose is Θ's business, not the refinement's: everything but camera and root is kept.
  assert.deepEqual(refined.theta.subarray(6, THETA), guess.theta.subarray(6, THETA));
  // The input is not changed.
  assert.deepEqual(guess.joints3d, jointsOf(guess.theta));
});

test('refinement: averaging over ±10 frames beats a per-frame fit on noisy keypoints, and frames without enough keypoints follow their neighbours', () => {
  const frames = 40;
  const guess = prediction(frames, rootOf(GUESS_TURN), [0.9, 0, 0]);
  // 0.02 of the half crop ≈ 2.2 px of the 224-px crop per coordinate.
  const keypoints = keypointsOf(frames, rootOf(TRUE_TURN), CAMERA, 0.02, 7);
  // Frame 20 lost all but 3 keypoints: too few for its own fit.
  for (let j = 3; j < J; j++) keypoints[(20 * KEYPOINTS + j) * 3 + 2] = 0;
  const perFrame = refineOrientation(guess, keypoints, KEYPOINTS, jointsOf, { halfWindow: 0, minKeypoints: 6 });
  const averaged = refineOrientation(guess, keypoints, KEYPOINTS, jointsOf, { halfWindow: 10, minKeypoints: 6 });
  const truth = rootOf(TRUE_TURN);
  const errorOf = (joints: Float32Array, frame: number) => jointError(joints.subarray(frame * J * 3, (frame + 1) * J * 3), truth);
  const mean = (joints: Float32Array) => jointError(joints, truth);
  assert.ok(mean(averaged.joints3d) < 0.6 * mean(perFrame.joints3d), `averaged ${(mean(averaged.joints3d) * 1000).toFixed(1)} mm vs per frame ${(mean(perFrame.joints3d) * 1000).toFixed(1)} mm`);
  assert.ok(mean(averaged.joints3d) < 0.015, `averaged ${(mean(averaged.joints3d) * 1000).toFixed(1)} mm`);
  // Per frame, frame 20 keeps the guess; averaged, it is turned with its neighbours.
  assert.ok(Math.abs(errorOf(perFrame.joints3d, 20) - errorOf(guess.joints3d, 20)) < 1e-6);
  assert.ok(errorOf(averaged.joints3d, 20) < 0.03, `frame 20: ${(errorOf(averaged.joints3d, 20) * 1000).toFixed(1)} mm`);
});

test('refinement gives the ±Δt poses the same root correction as the present one', () => {
  const frames = 3;
  const guess = prediction(frames, rootOf(GUESS_TURN), [0.9, 0, 0]);
  const past = new Float32Array(frames * 72);
  for (let f = 0; f < frames; f++) past.set(rootOf(GUESS_TURN), f * 72);
  const refined = refineOrientation({ ...guess, pastPose: past }, keypointsOf(frames, rootOf(TRUE_TURN), CAMERA), KEYPOINTS, jointsOf, { halfWindow: 0, minKeypoints: 6 });
  for (let f = 0; f < frames; f++) {
    const present = Array.from(refined.theta.subarray(f * THETA + 3, f * THETA + 6));
    const pastRoot = Array.from(refined.pastPose!.subarray(f * 72, f * 72 + 3));
    present.forEach((value, i) => assert.ok(Math.abs(value - pastRoot[i]!) < 1e-5, `frame ${f}: ${present} vs ${pastRoot}`));
  }
});
