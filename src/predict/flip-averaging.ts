/**
 * Test-time flip averaging: the model also predicts the tube mirrored left to right, that prediction
 * is mirrored back, and the two are averaged (the test-time augmentation of VideoPose3D and of most
 * pose estimators since). A model trained with flip augmentation has seen both; its errors on the two
 * are partly independent, so their mean is closer to the truth than either.
 *
 * Mirroring back follows training's flip (src/train/data/flip.ts, spec B2): SMPL joints swap sides
 * and their axis-angle y and z negate; the weak-perspective camera x̂ = s·(X + tx) mirrors by
 * negating tx. The average takes each joint's rotation halfway between the two (the normalised sum
 * of sign-aligned quaternions, exact for two), and the camera and shape as plain means. The joints
 * are then posed again from the averaged Θ, so they stay a body.
 */
import { flipSmplPose } from '../body/joint-sets.js';
import type { SequencePrediction } from '../train/predict.js';
import { POSE_OFFSET, POSE_SIZE, THETA_SIZE } from '../train/theta.js';
import { dot, normalize, quaternionFromRotationVector, rotationVectorOfQuaternion, type Quaternion } from '../util/rotation.js';

/**
 * `plain` averaged with `mirrored`, the prediction for the mirrored tube (its mirrored features).
 * `jointsOf` poses Θ rows into LSP-14 joints (the checkpoint's body model). Returns new arrays.
 */
export function averageWithMirrored(plain: SequencePrediction, mirrored: SequencePrediction, jointsOf: (theta: Float32Array) => Float32Array): SequencePrediction {
  const { frameCount } = plain;
  if (mirrored.frameCount !== frameCount) throw new RangeError(`mirrored prediction has ${mirrored.frameCount} frames, the plain one ${frameCount}`);
  const theta = new Float32Array(frameCount * THETA_SIZE);
  for (let f = 0; f < frameCount; f++) {
    const a = plain.theta.subarray(f * THETA_SIZE, (f + 1) * THETA_SIZE);
    const b = mirrored.theta.subarray(f * THETA_SIZE, (f + 1) * THETA_SIZE);
    const out = theta.subarray(f * THETA_SIZE, (f + 1) * THETA_SIZE);
    out[0] = (a[0]! + b[0]!) / 2;
    out[1] = (a[1]! - b[1]!) / 2;
    out[2] = (a[2]! + b[2]!) / 2;
    out.set(averagePoses(a.subarray(POSE_OFFSET, POSE_OFFSET + POSE_SIZE), flipSmplPose(b.subarray(POSE_OFFSET, POSE_OFFSET + POSE_SIZE))), POSE_OFFSET);
    for (let i = POSE_OFFSET + POSE_SIZE; i < THETA_SIZE; i++) out[i] = (a[i]! + b[i]!) / 2;
  }
  const averaged: SequencePrediction = { frameCount, theta, joints3d: jointsOf(theta) };
  if (plain.pastPose && mirrored.pastPose) averaged.pastPose = averagePoses(plain.pastPose, flipSmplPose(mirrored.pastPose));
  if (plain.futurePose && mirrored.futurePose) averaged.futurePose = averagePoses(plain.futurePose, flipSmplPose(mirrored.futurePose));
  return averaged;
}

/** Axis-angle poses (any number of joints), each joint's rotation halfway between a's and b's. */
function averagePoses(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let j = 0; j < a.length; j += 3) {
    const p = quaternionFromRotationVector(a, j);
    const q = quaternionFromRotationVector(b, j);
    const sign = dot(p, q) < 0 ? -1 : 1;
    out.set(rotationVectorOfQuaternion(normalize([p[0] + sign * q[0], p[1] + sign * q[1], p[2] + sign * q[2], p[3] + sign * q[3]] as Quaternion)), j);
  }
  return out;
}
