import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LbsBodyModel } from '../../src/body/lbs.js';
import { InterruptedError } from '../../src/errors.js';
import { DEFAULT_POSE_REFINEMENT } from '../../src/predict/pose-refinement-options.js';
import { refinePose } from '../../src/predict/pose-refinement.js';
import * as tf from '../../src/tf/tf.js';
import { jointsOfTheta, type SequencePrediction } from '../../src/train/predict.js';
import { rotationMatrix } from '../helpers/rotation-matrix.js';
import { useStandinBody } from '../train/standin-body.js';

// Θ = [s, tx, ty | 72 axis-angle pose, SMPL joint j at 3 + 3j | 10 shape]. SMPL joints used here
// (SMPL's kinematic table): 0 pelvis (root), 1 left hip, 2 right hip, 16 left shoulder, 17 right shoulder.
// Every rotation here is about the body's forward axis (SMPL z), so with the body facing the camera it
// moves the limb in the image plane, where the keypoints show it; with straight limbs no two poses
// here give the same keypoints (a twist about a straight arm moves no joint).
const THETA = 85;
const K = 25;
const J = 14;
const FRAMES = 6;
const at = (joint: number) => 3 + 3 * joint;
const CAMERA = [0.9, 0.05, -0.1];

let body: LbsBodyModel;
useStandinBody((loaded) => {
  body = loaded;
});

/** The true motion: upright (root π about x, SMPL's y-up body in image coordinates), arms lowering and rising, legs apart. */
function truthTheta(): Float32Array {
  const theta = new Float32Array(FRAMES * THETA);
  for (let f = 0; f < FRAMES; f++) {
    const row = theta.subarray(f * THETA, (f + 1) * THETA);
    row.set(CAMERA, 0);
    row[at(0)] = Math.PI;
    row[at(16) + 2] = -0.9 + 0.05 * f;
    row[at(17) + 2] = 0.8 - 0.04 * f;
    row[at(1) + 2] = 0.15 + 0.02 * f;
    row[at(2) + 2] = -0.2;
  }
  return theta;
}

/**
 * What a detector sees of the true body: its canonical keypoints posed by the body model and projected
 * x = s·(X_xy + t) here, in the test, with confidence 1 (the fit's own projection is not used).
 */
function keypointsOf(theta: Float32Array): Float32Array {
  const posed = tf.tidy(() => {
    const rows = tf.tensor2d(theta, [FRAMES, THETA]);
    return body.posedKeypoints(tf.slice(rows, [0, 3], [FRAMES, 72]), tf.slice(rows, [0, 75], [FRAMES, 10]), 'hmmr25').keypoints.dataSync();
  });
  const out = new Float32Array(FRAMES * K * 3);
  for (let f = 0; f < FRAMES; f++) {
    const [s, tx, ty] = [theta[f * THETA]!, theta[f * THETA + 1]!, theta[f * THETA + 2]!];
    for (let k = 0; k < K; k++) {
      const p = (f * K + k) * 3;
      out.set([s * (posed[p]! + tx), s * (posed[p + 1]! + ty), 1], p);
    }
  }
  return out;
}

/** The network's guess: the truth with both arms raised or lowered in the image plane, and the camera off. */
function guessOf(truth: Float32Array): SequencePrediction {
  const theta = truth.slice();
  for (let f = 0; f < FRAMES; f++) {
    theta[f * THETA + at(16) + 2] += 0.5;
    theta[f * THETA + at(17) + 2] -= 0.45;
    theta[f * THETA + at(2) + 2] -= 0.3;
    theta[f * THETA] *= 1.1;
    theta[f * THETA + 1] += 0.05;
  }
  return { frameCount: FRAMES, theta, joints3d: jointsOfTheta(body, theta) };
}

/** Mean 3D distance (m) of the 14 joints after aligning the hip midpoints (LSP 2 and 3), written out here. */
function mpjpe(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let f = 0; f < FRAMES; f++) {
    const hip = (x: Float32Array, axis: number) => (x[(f * J + 2) * 3 + axis]! + x[(f * J + 3) * 3 + axis]!) / 2;
    for (let j = 0; j < J; j++) {
      const o = (f * J + j) * 3;
      sum += Math.hypot(...[0, 1, 2].map((axis) => a[o + axis]! - hip(a, axis) - (b[o + axis]! - hip(b, axis))));
    }
  }
  return sum / (FRAMES * J);
}

test('the pose fit moves a wrong prediction towards the body the keypoints show', async () => {
  const truth = truthTheta();
  const truthJoints = jointsOfTheta(body, truth);
  const guess = guessOf(truth);
  const guessTheta = guess.theta.slice();
  const before = mpjpe(guess.joints3d, truthJoints);
  const jointsOf = (theta: Float32Array) => jointsOfTheta(body, theta);
  const loose = await refinePose(guess, keypointsOf(truth), K, body, jointsOf, { ...DEFAULT_POSE_REFINEMENT, nearWeight: 30, smoothWeight: 30, iterations: 150 });
  const shipped = await refinePose(guess, keypointsOf(truth), K, body, jointsOf);
  assert.ok(before > 0.04, `the guess should start well off (${before} m)`);
  // The fitted bodies project onto the keypoints: LSP-14 through each frame's fitted camera against
  // the first 14 canonical keypoints (the LSP-14 joints), in crop units.
  const keypoints = keypointsOf(truth);
  const reprojection = (fit: SequencePrediction) => {
    let sum = 0;
    for (let f = 0; f < FRAMES; f++) {
      const [s, tx, ty] = [fit.theta[f * THETA]!, fit.theta[f * THETA + 1]!, fit.theta[f * THETA + 2]!];
      for (let j = 0; j < J; j++) {
        const o = (f * J + j) * 3;
        const k = (f * K + j) * 3;
        sum += Math.hypot(s * (fit.joints3d[o]! + tx) - keypoints[k]!, s * (fit.joints3d[o + 1]! + ty) - keypoints[k + 1]!);
      }
    }
    return sum / (FRAMES * J);
  };
  assert.ok(reprojection(loose) < 0.2 * reprojection(guess), `2D: ${reprojection(loose)} from ${reprojection(guess)}`);
  // In 3D the keypoints do not pin every joint angle (collar, spine and shoulder rotations can trade
  // for one another), so the prior decides part of it: the error still falls by half with a weak
  // prior, and by a third with the defaults, which hold the network's pose harder.
  assert.ok(mpjpe(loose.joints3d, truthJoints) < 0.55 * before, `weak prior: ${mpjpe(loose.joints3d, truthJoints)} m from ${before} m`);
  assert.ok(mpjpe(shipped.joints3d, truthJoints) < 0.7 * before, `defaults: ${mpjpe(shipped.joints3d, truthJoints)} m from ${before} m`);
  // The camera is fitted too: the scale comes back towards the truth's 0.9 from 0.99.
  assert.ok(Math.abs(loose.theta[0]! - CAMERA[0]!) < 0.03, `scale ${loose.theta[0]}`);
  // Shape is kept, and the input is not changed.
  assert.deepEqual(Array.from(loose.theta.subarray(75, 85)), Array.from(guess.theta.subarray(75, 85)));
  assert.deepEqual(guess.theta, guessTheta);
});

test('without keypoints the fit keeps a still prediction', async () => {
  // One frame's guess held still: with no 2D evidence, nothing (near term, smoothness) moves it.
  const moving = guessOf(truthTheta()).theta;
  const theta = new Float32Array(FRAMES * THETA);
  for (let f = 0; f < FRAMES; f++) theta.set(moving.subarray(0, THETA), f * THETA);
  const guess: SequencePrediction = { frameCount: FRAMES, theta, joints3d: jointsOfTheta(body, theta) };
  const refined = await refinePose(guess, new Float32Array(FRAMES * K * 3), K, body, (theta) => jointsOfTheta(body, theta));
  const largest = Math.max(...Array.from(refined.theta, (value, i) => Math.abs(value - guess.theta[i]!)));
  assert.ok(largest < 1e-5, `Θ moved by ${largest}`);
});

test('a long tube is fitted in chunks and every frame is fitted', async () => {
  const truth = truthTheta();
  const guess = guessOf(truth);
  const jointsOf = (theta: Float32Array) => jointsOfTheta(body, theta);
  const refined = await refinePose(guess, keypointsOf(truth), K, body, jointsOf, { ...DEFAULT_POSE_REFINEMENT, nearWeight: 30, smoothWeight: 30, iterations: 150, chunkFrames: 4 });
  const truthJoints = jointsOfTheta(body, truth);
  for (let f = 0; f < FRAMES; f++) {
    const frame = (x: Float32Array) => x.subarray(f * J * 3, (f + 1) * J * 3);
    let error = 0;
    let start = 0;
    for (let j = 0; j < J * 3; j += 3) {
      start += Math.hypot(frame(guess.joints3d)[j]! - frame(truthJoints)[j]!, frame(guess.joints3d)[j + 1]! - frame(truthJoints)[j + 1]!);
      error += Math.hypot(frame(refined.joints3d)[j]! - frame(truthJoints)[j]!, frame(refined.joints3d)[j + 1]! - frame(truthJoints)[j + 1]!);
    }
    assert.ok(error < 0.5 * start, `frame ${f}: ${error} from ${start}`);
  }
});

test('a rotation written in two equivalent forms in consecutive frames is not read as motion', async () => {
  // Upright root as (π − 0.02)·x̂ in even frames and as the same rotation, (π − 0.02 − 2π)·x̂, in odd
  // ones (flip averaging's quaternion mean can return either); nothing else differs between frames.
  const still = guessOf(truthTheta()).theta.subarray(0, THETA);
  const theta = new Float32Array(FRAMES * THETA);
  for (let f = 0; f < FRAMES; f++) {
    theta.set(still, f * THETA);
    theta[f * THETA + at(0)] = f % 2 === 0 ? Math.PI - 0.02 : Math.PI - 0.02 - 2 * Math.PI;
  }
  const guess: SequencePrediction = { frameCount: FRAMES, theta, joints3d: jointsOfTheta(body, theta) };
  const refined = await refinePose(guess, new Float32Array(FRAMES * K * 3), K, body, (rows) => jointsOfTheta(body, rows));
  const largest = Math.max(...Array.from(refined.joints3d, (value, i) => Math.abs(value - guess.joints3d[i]!)));
  assert.ok(largest < 1e-4, `joints moved by ${largest} m`);
});

test('the ±Δt poses keep their body pose and turn their root with the present frame\'s', async () => {
  const truth = truthTheta();
  // Truth turned a little about the vertical in every frame: the fit has a root turn to find.
  const turned = truth.slice();
  for (let f = 0; f < FRAMES; f++) turned[f * THETA + at(0) + 1] = 0.25;
  const guess = guessOf(truth);
  const poses = new Float32Array(FRAMES * 72);
  for (let f = 0; f < FRAMES; f++) poses.set(guess.theta.subarray(f * THETA + 3, f * THETA + 75), f * 72);
  const withDynamics: SequencePrediction = { ...guess, pastPose: poses.slice(), futurePose: poses.slice() };
  const refined = await refinePose(withDynamics, keypointsOf(turned), K, body, (rows) => jointsOfTheta(body, rows), { ...DEFAULT_POSE_REFINEMENT, nearWeight: 30, smoothWeight: 30 });
  for (let f = 0; f < FRAMES; f++) {
    const present = rotationMatrix(refined.theta.subarray(f * THETA + at(0), f * THETA + at(0) + 3));
    for (const dynamics of [refined.pastPose!, refined.futurePose!]) {
      const root = rotationMatrix(dynamics.subarray(f * 72, f * 72 + 3));
      const largest = Math.max(...root.map((value, i) => Math.abs(value - present[i]!)));
      assert.ok(largest < 1e-4, `frame ${f}: the ±Δt root differs from the fitted present root by ${largest}`);
      assert.deepEqual(Array.from(dynamics.subarray(f * 72 + 3, (f + 1) * 72)), Array.from(poses.subarray(f * 72 + 3, (f + 1) * 72)), 'their body pose is kept');
    }
  }
  const presentTurn = rotationMatrix(refined.theta.subarray(at(0), at(0) + 3));
  assert.ok(Math.abs(presentTurn[0]! - rotationMatrix(guess.theta.subarray(at(0), at(0) + 3))[0]!) > 1e-3, 'the fit turned the present root');
});

test('a Ctrl-C during a fit reaches it (the fit yields to the event loop) and stops it with an InterruptedError', async () => {
  const truth = truthTheta();
  const controller = new AbortController();
  // The abort is queued as a timer: it can only run if the fit gives the event loop a turn.
  setTimeout(() => controller.abort(), 0);
  const fit = refinePose(guessOf(truth), keypointsOf(truth), K, body, (rows) => jointsOfTheta(body, rows), { ...DEFAULT_POSE_REFINEMENT, iterations: 100_000 }, controller.signal);
  await assert.rejects(fit, InterruptedError);
});
