import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageWithMirrored } from '../../src/predict/flip-averaging.js';
import type { SequencePrediction } from '../../src/train/predict.js';
import { rotationMatrix } from '../helpers/rotation-matrix.js';

// Θ = [s, tx, ty | 72 axis-angle pose, SMPL joint j at 3 + 3j | 10 shape]. SMPL joint indices used
// here, from SMPL's kinematic table: 0 pelvis (root), 4 left knee, 5 right knee, 18 left elbow,
// 19 right elbow.
const THETA = 85;
const pose = (joint: number) => 3 + 3 * joint;
const ROOT = pose(0);
const L_KNEE = pose(4);
const R_KNEE = pose(5);
const L_ELBOW = pose(18);
const R_ELBOW = pose(19);

function prediction(frames: number, set: (theta: Float32Array, frame: number) => void): SequencePrediction {
  const theta = new Float32Array(frames * THETA);
  for (let f = 0; f < frames; f++) set(theta.subarray(f * THETA, (f + 1) * THETA), f);
  return { frameCount: frames, theta, joints3d: new Float32Array(frames * 14 * 3) };
}

/** A stand-in body model that records the Θ it poses: joint 0 = the root rotation vector, the rest 0. */
function recordingJointsOf(): { jointsOf: (theta: Float32Array) => Float32Array; posed: Float32Array[] } {
  const posed: Float32Array[] = [];
  return {
    posed,
    jointsOf: (theta) => {
      posed.push(theta.slice());
      const joints = new Float32Array((theta.length / THETA) * 14 * 3);
      for (let f = 0; f < theta.length / THETA; f++) joints.set(theta.subarray(f * THETA + ROOT, f * THETA + ROOT + 3), f * 14 * 3);
      return joints;
    },
  };
}

/** Rotation vectors compared as rotations: π about x and −π about x are the same. */
const sameRotation = (actual: ArrayLike<number>, expected: readonly number[], what: string) => close(rotationMatrix(actual), rotationMatrix(expected), what);

const close = (actual: ArrayLike<number>, expected: readonly number[], what: string) => {
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) < 1e-5, `${what}[${i}] = ${actual[i]}, expected ${expected[i]}`);
};

test('a turn the model makes one way on the plain tube and the same way on the mirrored one cancels', () => {
  // Upright root (π about x) turned 0.2 rad about the camera's vertical axis, in both passes. The
  // mirror of a turn about y is the opposite turn, so mirrored back it is −0.2 rad: the average is upright.
  const upright = [Math.PI, 0, 0];
  // R_y(a) · R_x(π) as quaternions (w; x, y, z): (cos a/2; 0, sin a/2, 0) ⊗ (0; 1, 0, 0) = (0; cos a/2, 0, −sin a/2),
  // a half turn about the axis (cos a/2, 0, −sin a/2).
  const turned = (angle: number) => [Math.PI * Math.cos(angle / 2), 0, -Math.PI * Math.sin(angle / 2)];
  const plain = prediction(1, (theta) => theta.set(turned(0.2), ROOT));
  const mirrored = prediction(1, (theta) => theta.set(turned(0.2), ROOT));
  const { jointsOf, posed } = recordingJointsOf();
  const averaged = averageWithMirrored(plain, mirrored, jointsOf);
  sameRotation(averaged.theta.subarray(ROOT, ROOT + 3), upright, 'root');
  // The input really is turned: by hand, R_y(0.2) · R_x(π) takes the body's forward (0, 0, 1) to (−sin 0.2, 0, −cos 0.2).
  const forward = (v: ArrayLike<number>) => [rotationMatrix(v)[2]!, rotationMatrix(v)[5]!, rotationMatrix(v)[8]!];
  close(forward(plain.theta.subarray(ROOT, ROOT + 3)), [-Math.sin(0.2), 0, -Math.cos(0.2)], 'plain forward');
  // The joints are posed again from the averaged Θ, not averaged themselves.
  assert.equal(posed.length, 1);
  sameRotation(averaged.joints3d.subarray(0, 3), upright, 'joints from the averaged Θ');
});

test('left and right swap back: a left-elbow bend seen mirrored as a right-elbow bend averages with the plain one', () => {
  // Plain: left elbow bent 0.5 about z. Mirrored tube: the same bend on the right elbow, z negated.
  // Knees: 0.4 about x plain, 0.2 about x mirrored (x is not negated): halfway, 0.3.
  const plain = prediction(2, (theta) => {
    theta.set([0, 0, 0.5], L_ELBOW);
    theta.set([0.4, 0, 0], L_KNEE);
  });
  const mirrored = prediction(2, (theta) => {
    theta.set([0, 0, -0.5], R_ELBOW);
    theta.set([0.2, 0, 0], R_KNEE);
  });
  const averaged = averageWithMirrored(plain, mirrored, recordingJointsOf().jointsOf);
  for (let f = 0; f < 2; f++) {
    const theta = averaged.theta.subarray(f * THETA, (f + 1) * THETA);
    close(theta.subarray(L_ELBOW, L_ELBOW + 3), [0, 0, 0.5], `frame ${f} left elbow`);
    close(theta.subarray(R_ELBOW, R_ELBOW + 3), [0, 0, 0], `frame ${f} right elbow`);
    close(theta.subarray(L_KNEE, L_KNEE + 3), [0.3, 0, 0], `frame ${f} left knee`);
    close(theta.subarray(R_KNEE, R_KNEE + 3), [0, 0, 0], `frame ${f} right knee`);
  }
});

test('camera: scale and ty are averaged, tx is mirrored first; shape is averaged; ±Δt poses swap back too', () => {
  const plain = prediction(1, (theta) => {
    theta.set([1.0, 0.1, -0.05]);
    theta.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 75);
  });
  const mirrored = prediction(1, (theta) => {
    theta.set([1.2, -0.3, -0.15]);
    theta.set([3, 2, 1, 0, 5, 6, 7, 8, 9, 12], 75);
  });
  plain.pastPose = new Float32Array(72);
  plain.pastPose.set([0, 0, 0.5], 18 * 3);
  mirrored.pastPose = new Float32Array(72);
  mirrored.pastPose.set([0, 0, -0.5], 19 * 3);
  plain.futurePose = new Float32Array(72);
  mirrored.futurePose = new Float32Array(72);
  mirrored.futurePose.set([0, 0.6, 0], 0);
  const averaged = averageWithMirrored(plain, mirrored, recordingJointsOf().jointsOf);
  close(averaged.theta.subarray(0, 3), [1.1, 0.2, -0.1], 'camera');
  close(averaged.theta.subarray(75), [2, 2, 2, 2, 5, 6, 7, 8, 9, 11], 'shape');
  close(averaged.pastPose!.subarray(18 * 3, 20 * 3), [0, 0, 0.5, 0, 0, 0], 'past elbows');
  // Mirrored back, the future root turn 0.6 about y becomes −0.6; halfway to 0 is −0.3.
  close(averaged.futurePose!.subarray(0, 3), [0, -0.3, 0], 'future root');
});

test('predictions of different lengths are refused', () => {
  assert.throws(() => averageWithMirrored(prediction(3, () => {}), prediction(2, () => {}), recordingJointsOf().jointsOf), /2 frames, the plain one 3/);
});
