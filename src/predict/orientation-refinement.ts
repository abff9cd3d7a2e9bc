/**
 * Test-time refinement of the body's global orientation against the tube's own 2D keypoints.
 *
 * Why: a model that sees only 2D keypoints gets the pose (PA-MPJPE) much better than the way the body
 * faces. It under- or over-turns the body about the vertical axis by 10–20° (docs/results.md, *Where
 * the MPJPE gap is*), and most of the MPJPE / PA-MPJPE gap is that global rotation. The keypoints
 * still say how far the body is turned, through how short the shoulders and hips look. So keep the
 * predicted pose and shape, and turn the whole body to fit its keypoints.
 *
 * How:
 * 1. For each frame, find the rotation ω (axis · angle, camera frame) of the predicted LSP-14 joints
 *    that best fits the frame's keypoints under weak perspective. The cost is the confidence-weighted
 *    squared 2D error, with the best scale and offset for each ω. Frames with fewer than
 *    `minKeypoints` keypoints get no estimate.
 * 2. Average ω over ±`halfWindow` frames. One frame's fit follows detector noise, a left/right
 *    swap, or the predicted pose's own errors. The turn error is a bias that lasts many frames.
 * 3. Compose the averaged rotation onto Θ's root rotation, pose the body again, and refit the
 *    weak-perspective camera [s, tx, ty] to the keypoints. Where a frame has too few keypoints, the
 *    camera is refit to where the old prediction projected instead.
 *
 * Pose, shape and the joints' relative positions are unchanged, so PA-MPJPE is unchanged. Only MPJPE
 * and the 2D fit move. The ±Δt poses of the dynamics heads get the same root correction.
 */
import { LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { POSE_OFFSET, POSE_SIZE } from '../train/theta.js';
import { matrixOfQuaternion, multiply, quaternionFromRotationVector, rotationVectorOfQuaternion } from '../util/rotation.js';

export interface OrientationRefinementOptions {
  /** Frames on each side whose rotations are averaged (default 10: 21 frames, 0.84 s at 25 fps). */
  halfWindow: number;
  /** Fewest of the 14 LSP keypoints a frame needs for its own estimate (default 6). */
  minKeypoints: number;
}

export const DEFAULT_ORIENTATION_REFINEMENT: Readonly<OrientationRefinementOptions> = Object.freeze({ halfWindow: 10, minKeypoints: 6 });

/** What the refinement reads and rewrites: per-frame Θ [F, 85] and LSP-14 joints [F, 14, 3], and optional ±Δt poses [F, 72]. */
export interface RefinablePrediction {
  frameCount: number;
  theta: Float32Array;
  joints3d: Float32Array;
  pastPose?: Float32Array;
  futurePose?: Float32Array;
}

/**
 * The prediction turned to fit `keypoints`: [F, K ≥ 14, 3] canonical keypoints, x and y in the
 * normalised crop ([−1, 1], as the model's camera projects), then the confidence (0 = missing). The
 * first 14 canonical keypoints are the LSP-14 joints. `jointsOf` poses Θ rows into LSP-14 joints
 * (the checkpoint's body model). Returns new arrays; the input is not changed.
 */
export function refineOrientation<P extends RefinablePrediction>(
  prediction: P,
  keypoints: Float32Array,
  keypointsPerFrame: number,
  jointsOf: (theta: Float32Array) => Float32Array,
  options: OrientationRefinementOptions = DEFAULT_ORIENTATION_REFINEMENT,
): P {
  const { frameCount, theta, joints3d } = prediction;
  const thetaSize = theta.length / frameCount;
  const observed = Array.from({ length: frameCount }, (_, f) => observedJoints(keypoints, keypointsPerFrame, f));
  const estimates = observed.map((targets, f) =>
    targets.count >= options.minKeypoints ? bestRotation(joints3d.subarray(f * LSP_JOINT_COUNT * 3, (f + 1) * LSP_JOINT_COUNT * 3), targets) : undefined,
  );
  const corrections = averageOverWindow(estimates, options.halfWindow);

  // Θ's root rotation is the first 3 pose values; the camera [s, tx, ty] comes first in Θ.
  const refinedTheta = turnRoots(theta, thetaSize, POSE_OFFSET, corrections);
  const refinedJoints = jointsOf(refinedTheta);
  for (let f = 0; f < frameCount; f++) {
    const target = observed[f]!.count >= options.minKeypoints ? observed[f]! : projectedJoints(joints3d, theta, thetaSize, f);
    fitCamera(refinedJoints.subarray(f * LSP_JOINT_COUNT * 3, (f + 1) * LSP_JOINT_COUNT * 3), target, refinedTheta, f * thetaSize);
  }
  const refined: P = { ...prediction, theta: refinedTheta, joints3d: refinedJoints };
  if (prediction.pastPose) refined.pastPose = turnRoots(prediction.pastPose, POSE_SIZE, 0, corrections);
  if (prediction.futurePose) refined.futurePose = turnRoots(prediction.futurePose, POSE_SIZE, 0, corrections);
  return refined;
}

/**
 * Per-frame rows (rowSize values each) with the root rotation at `offset` turned by that frame's
 * correction (axis-angle, camera frame): R ← R(correction) · R. Returns a new array.
 */
export function turnRoots(rows: Float32Array, rowSize: number, offset: number, corrections: readonly (readonly number[])[]): Float32Array {
  const out = rows.slice();
  corrections.forEach((correction, f) => composeRotation(correction, out, f * rowSize + offset));
  return out;
}

/** 2D targets of the 14 joints with weights (0 = not observed). */
export interface Targets2D {
  x: Float64Array;
  y: Float64Array;
  weight: Float64Array;
  count: number;
}

/** Frame `frame`'s first 14 canonical keypoints (the LSP-14 joints) as fit targets, weighted by confidence. */
export function observedJoints(keypoints: Float32Array, keypointsPerFrame: number, frame: number): Targets2D {
  const targets: Targets2D = { x: new Float64Array(LSP_JOINT_COUNT), y: new Float64Array(LSP_JOINT_COUNT), weight: new Float64Array(LSP_JOINT_COUNT), count: 0 };
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const o = (frame * keypointsPerFrame + j) * 3;
    const confidence = keypoints[o + 2]!;
    if (!(confidence > 0)) continue;
    targets.x[j] = keypoints[o]!;
    targets.y[j] = keypoints[o + 1]!;
    targets.weight[j] = confidence;
    targets.count++;
  }
  return targets;
}

/** Where the unrefined prediction put the 14 joints in the crop (x̂ = s·(X_xy + t)), all weighted 1. */
function projectedJoints(joints3d: Float32Array, theta: Float32Array, thetaSize: number, frame: number): Targets2D {
  const [s, tx, ty] = [theta[frame * thetaSize]!, theta[frame * thetaSize + 1]!, theta[frame * thetaSize + 2]!];
  const targets: Targets2D = { x: new Float64Array(LSP_JOINT_COUNT), y: new Float64Array(LSP_JOINT_COUNT), weight: new Float64Array(LSP_JOINT_COUNT).fill(1), count: LSP_JOINT_COUNT };
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const o = (frame * LSP_JOINT_COUNT + j) * 3;
    targets.x[j] = s * (joints3d[o]! + tx);
    targets.y[j] = s * (joints3d[o + 1]! + ty);
  }
  return targets;
}

/**
 * The best weak-perspective fit x̂ = a·X_xy + b of the joints to the targets (weighted least squares,
 * one scale a for both axes): its a, b and weighted squared error.
 */
export function weakPerspectiveFit(joints: ArrayLike<number>, targets: Targets2D): { a: number; bx: number; by: number; error: number } {
  let total = 0;
  let mx = 0;
  let my = 0;
  let mu = 0;
  let mv = 0;
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const w = targets.weight[j]!;
    total += w;
    mx += w * joints[j * 3]!;
    my += w * joints[j * 3 + 1]!;
    mu += w * targets.x[j]!;
    mv += w * targets.y[j]!;
  }
  [mx, my, mu, mv] = [mx / total, my / total, mu / total, mv / total];
  let cross = 0;
  let spread = 0;
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const w = targets.weight[j]!;
    const dx = joints[j * 3]! - mx;
    const dy = joints[j * 3 + 1]! - my;
    cross += w * (dx * (targets.x[j]! - mu) + dy * (targets.y[j]! - mv));
    spread += w * (dx * dx + dy * dy);
  }
  const a = spread > 0 ? cross / spread : 0;
  let error = 0;
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const rx = a * (joints[j * 3]! - mx) - (targets.x[j]! - mu);
    const ry = a * (joints[j * 3 + 1]! - my) - (targets.y[j]! - mv);
    error += targets.weight[j]! * (rx * rx + ry * ry);
  }
  return { a, bx: mu - a * mx, by: mv - a * my, error };
}

function rotated(joints: ArrayLike<number>, rotation: readonly number[]): Float64Array {
  const m = matrixOfQuaternion(quaternionFromRotationVector(rotation));
  const out = new Float64Array(LSP_JOINT_COUNT * 3);
  for (let j = 0; j < LSP_JOINT_COUNT; j++) {
    const [x, y, z] = [joints[j * 3]!, joints[j * 3 + 1]!, joints[j * 3 + 2]!];
    for (let row = 0; row < 3; row++) out[j * 3 + row] = m[row * 3]! * x + m[row * 3 + 1]! * y + m[row * 3 + 2]! * z;
  }
  return out;
}

/**
 * The rotation vector ω minimising the fit error of the rotated joints: a compass (pattern) search
 * from ω = 0. Three parameters and a cheap, smooth cost; starting at the prediction and moving by
 * at most 0.2 rad at a time keeps it in the prediction's basin, never jumping to the mirror-image turn
 * that weak perspective cannot tell apart.
 */
function bestRotation(joints: ArrayLike<number>, targets: Targets2D): number[] {
  let omega = [0, 0, 0];
  let best = weakPerspectiveFit(joints, targets).error;
  let step = 0.2;
  for (let iteration = 0; iteration < 400 && step > 1e-4; iteration++) {
    let improved = false;
    for (let axis = 0; axis < 3; axis++) {
      for (const delta of [step, -step]) {
        const trial = [...omega];
        trial[axis]! += delta;
        const error = weakPerspectiveFit(rotated(joints, trial), targets).error;
        if (error < best) {
          best = error;
          omega = trial;
          improved = true;
        }
      }
    }
    if (!improved) step /= 2;
  }
  return omega;
}

/** Per frame, the mean of the estimates within ±halfWindow frames (zero where there are none). */
function averageOverWindow(estimates: readonly (number[] | undefined)[], halfWindow: number): number[][] {
  return estimates.map((_, f) => {
    const sum = [0, 0, 0];
    let count = 0;
    for (let g = Math.max(0, f - halfWindow); g <= Math.min(estimates.length - 1, f + halfWindow); g++) {
      const estimate = estimates[g];
      if (!estimate) continue;
      for (let axis = 0; axis < 3; axis++) sum[axis]! += estimate[axis]!;
      count++;
    }
    return count > 0 ? sum.map((value) => value / count) : sum;
  });
}

/** rotations[offset..offset+3] (axis-angle) ← R(correction) · R(rotations[offset..]). */
function composeRotation(correction: readonly number[], rotations: Float32Array, offset: number): void {
  const composed = multiply(quaternionFromRotationVector(correction), quaternionFromRotationVector(rotations, offset));
  rotations.set(rotationVectorOfQuaternion(composed), offset);
}

/** Θ's camera [s, tx, ty] at `offset` ← the weak-perspective fit of the joints to the targets (x̂ = s·(X + t)). */
function fitCamera(joints: ArrayLike<number>, targets: Targets2D, theta: Float32Array, offset: number): void {
  const { a, bx, by } = weakPerspectiveFit(joints, targets);
  if (!(a > 0)) return;
  theta.set([a, bx / a, by / a], offset);
}
