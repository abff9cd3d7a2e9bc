/**
 * Test-time fit of each predicted body's pose to its tube's own 2D keypoints, started from the
 * network's prediction (the SMPLify-style fit SPIN runs in its training loop, here at test time).
 *
 * Why: the keypoint-feature network leaves 2D evidence unused. On the synthetic benchmark its bodies
 * fit the detector keypoints at 54–62 mm RMS (on the body), the ground truth at 30 mm
 * (scripts/keypoint-ambiguity.ts, docs/results.md). A fit that keeps the network's pose as its prior
 * recovers part of the difference, in 3D: the parts of the pose the keypoints show (limbs across the
 * image plane, the body's turn through its foreshortening) move to them; depth the keypoints cannot
 * show stays where the network put it.
 *
 * Cost, minimised over the pose θ [F, 72] (root rotation included) and the camera [s, tx, ty] of each
 * frame, with Adam from the prediction; β is kept:
 *   E = Σ c_k ‖(s·(X_k + t) − x_k) / s‖² / (Σ c_k · σ²)    2D error in metres on the body, σ = keypointNoise
 *     + nearWeight · mean ‖θ − θ_net‖²                     stay near the network, which is the pose prior
 *     + smoothWeight · mean ‖θ_f − θ_{f−1}‖²               the motion stays smooth (tubes of ≥ 2 frames)
 * over the 25 canonical keypoints with their detector confidences c (a missed point has c = 0).
 * Long tubes are fitted in consecutive chunks of `chunkFrames`, so memory is bounded; the smoothness
 * term does not cross a chunk boundary (the near term keeps both sides by the network).
 *
 * The ±Δt poses of the dynamics heads keep their body pose; their roots get the turn the fit gave
 * the present frame's root, as --refine-orientation does, so past, present and future stay aligned.
 */
import type { BodyModel } from '../body/types.js';
import { CANONICAL_SET } from '../body/joint-sets.js';
import { InterruptedError } from '../errors.js';
import * as tf from '../tf/tf.js';
import { POSE_OFFSET, POSE_SIZE, SHAPE_OFFSET, SHAPE_SIZE } from '../train/theta.js';
import { conjugate, multiply, quaternionFromRotationVector, rotationVectorOfQuaternion } from '../util/rotation.js';
import { turnRoots, type RefinablePrediction } from './orientation-refinement.js';
import { DEFAULT_POSE_REFINEMENT, type PoseRefinementOptions } from './pose-refinement-options.js';

/**
 * The prediction with each frame's pose and camera fitted to `keypoints`: [F, K, 3] canonical
 * keypoints (x, y in the normalised crop, as the model's camera projects; then the confidence), K per
 * frame. `body` is the checkpoint's body model; `jointsOf` poses Θ rows into LSP-14 joints with it.
 * Returns new arrays; the input is not changed. The fit gives the event loop a turn every 10 steps,
 * so a Ctrl-C is seen: an aborted `signal` then stops it with an InterruptedError (a long tube's fit
 * takes minutes; half a fit is never returned).
 */
export async function refinePose<P extends RefinablePrediction>(
  prediction: P,
  keypoints: Float32Array,
  keypointsPerFrame: number,
  body: BodyModel,
  jointsOf: (theta: Float32Array) => Float32Array,
  options: PoseRefinementOptions = DEFAULT_POSE_REFINEMENT,
  signal?: AbortSignal,
): Promise<P> {
  const { frameCount, theta } = prediction;
  const thetaSize = theta.length / frameCount;
  const refinedTheta = theta.slice();
  for (let first = 0; first < frameCount; first += options.chunkFrames) {
    const count = Math.min(options.chunkFrames, frameCount - first);
    const rows = refinedTheta.subarray(first * thetaSize, (first + count) * thetaSize);
    const fitted = await fitChunk(rows, thetaSize, keypoints.subarray(first * keypointsPerFrame * 3, (first + count) * keypointsPerFrame * 3), keypointsPerFrame, body, options, signal);
    for (let f = 0; f < count; f++) {
      rows.set(fitted.cameras.subarray(f * 3, f * 3 + 3), f * thetaSize);
      rows.set(fitted.poses.subarray(f * POSE_SIZE, (f + 1) * POSE_SIZE), f * thetaSize + POSE_OFFSET);
    }
  }
  const refined: P = { ...prediction, theta: refinedTheta, joints3d: jointsOf(refinedTheta) };
  if (!prediction.pastPose && !prediction.futurePose) return refined;
  // The turn of each frame's root, R_fitted · R_predictedᵀ, for the ±Δt poses.
  const rootTurns = Array.from({ length: frameCount }, (_, f) =>
    rotationVectorOfQuaternion(multiply(quaternionFromRotationVector(refinedTheta, f * thetaSize + POSE_OFFSET), conjugate(quaternionFromRotationVector(theta, f * thetaSize + POSE_OFFSET)))),
  );
  if (prediction.pastPose) refined.pastPose = turnRoots(prediction.pastPose, POSE_SIZE, 0, rootTurns);
  if (prediction.futurePose) refined.futurePose = turnRoots(prediction.futurePose, POSE_SIZE, 0, rootTurns);
  return refined;
}

/** One chunk's fitted cameras [F, 3] and poses [F, 72]. */
async function fitChunk(
  rows: Float32Array,
  thetaSize: number,
  keypoints: Float32Array,
  keypointsPerFrame: number,
  body: BodyModel,
  options: PoseRefinementOptions,
  signal: AbortSignal | undefined,
): Promise<{ cameras: Float32Array; poses: Float32Array }> {
  const frames = rows.length / thetaSize;
  const K = keypointsPerFrame;
  const theta = tf.tensor2d(unwrapRotations(rows, thetaSize), [frames, thetaSize]);
  const predictedPose = tf.slice(theta, [0, POSE_OFFSET], [frames, POSE_SIZE]) as tf.Tensor2D;
  const shape = tf.slice(theta, [0, SHAPE_OFFSET], [frames, SHAPE_SIZE]) as tf.Tensor2D;
  const pose = tf.variable(predictedPose.clone());
  const camera = tf.variable(tf.slice(theta, [0, 0], [frames, 3]));
  const observed = tf.tensor3d(keypoints, [frames, K, 3]);
  const xy = tf.slice(observed, [0, 0, 0], [frames, K, 2]);
  const confidence = tf.slice(observed, [0, 0, 2], [frames, K, 1]);
  // A chunk without any keypoint has no data term: dividing by 1 keeps it 0 instead of NaN.
  const confidenceSum = tf.maximum(tf.sum(confidence), 1e-6);
  const optimizer = tf.train.adam(options.learningRate);
  try {
    for (let step = 0; step < options.iterations; step++) {
      if (step % 10 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new InterruptedError();
      }
      optimizer.minimize(() => {
        const points = body.posedKeypoints(pose as unknown as tf.Tensor2D, shape, CANONICAL_SET).keypoints;
        const s = tf.reshape(tf.slice(camera, [0, 0], [frames, 1]), [frames, 1, 1]);
        const t = tf.reshape(tf.slice(camera, [0, 1], [frames, 2]), [frames, 1, 2]);
        // (s·(X + t) − x) / s: the residual in metres on the body, whatever the crop scale.
        const residual = tf.sub(tf.add(tf.slice(points, [0, 0, 0], [frames, K, 2]), t), tf.div(xy, s));
        const data = tf.div(tf.sum(tf.mul(confidence, tf.square(residual))), tf.mul(confidenceSum, options.keypointNoise ** 2));
        let cost = tf.add(data, tf.mul(options.nearWeight, tf.mean(tf.square(tf.sub(pose, predictedPose)))));
        if (frames > 1) {
          const steps = tf.sub(tf.slice(pose, [1, 0], [frames - 1, POSE_SIZE]), tf.slice(pose, [0, 0], [frames - 1, POSE_SIZE]));
          cost = tf.add(cost, tf.mul(options.smoothWeight, tf.mean(tf.square(steps))));
        }
        return cost as tf.Scalar;
        // Only these two: the network's own weights may be live variables in this process.
      }, false, [pose, camera]);
    }
    return { cameras: camera.dataSync() as Float32Array, poses: pose.dataSync() as Float32Array };
  } finally {
    optimizer.dispose();
    tf.dispose([theta, predictedPose, shape, pose, camera, observed, xy, confidence, confidenceSum]);
  }
}

/**
 * Θ rows with each joint's axis-angle vector written, frame after frame, in whichever of its
 * equivalent forms θ·n, (θ − 2π)·n, (θ + 2π)·n is nearest the previous frame's. Why: the smoothness
 * and near terms compare axis-angle vectors, and a rotation near π can come in either form in
 * consecutive frames (flip averaging's quaternion mean returns either), which those terms would read
 * as a half turn and undo. The rotations themselves are unchanged.
 */
function unwrapRotations(rows: Float32Array, thetaSize: number): Float32Array {
  const out = rows.slice();
  const frames = rows.length / thetaSize;
  for (let f = 1; f < frames; f++) {
    for (let joint = 0; joint < POSE_SIZE / 3; joint++) {
      const at = f * thetaSize + POSE_OFFSET + joint * 3;
      const previous = at - thetaSize;
      const v = [out[at]!, out[at + 1]!, out[at + 2]!];
      const angle = Math.hypot(v[0]!, v[1]!, v[2]!);
      if (angle === 0) continue;
      let best = v;
      let bestDistance = Infinity;
      for (const turns of [0, -1, 1]) {
        const candidate = v.map((c) => (c / angle) * (angle + 2 * Math.PI * turns));
        const distance = Math.hypot(candidate[0]! - out[previous]!, candidate[1]! - out[previous + 1]!, candidate[2]! - out[previous + 2]!);
        if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
      }
      out.set(best, at);
    }
  }
  return out;
}
