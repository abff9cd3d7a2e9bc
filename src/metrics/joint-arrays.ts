import { H36M17_JOINT_COUNT, H36M17_PELVIS, LSP_LEFT_HIP, LSP_RIGHT_HIP } from '../body/joint-sets.js';

/**
 * Joint arrays as the metrics see them: flat, row-major frames × joints × dims (dims = 3 for 3D,
 * 2 for 2D), in metres (3D) or crop pixels (2D). Visibility is frames × joints, 1 = visible.
 */
export type JointValues = Float32Array | Float64Array;
export type VisibilityValues = Uint8Array | Float32Array | Float64Array;

/** Frame count of a flat array, or an Error naming the mismatch (callers turn it into their own error type). */
export function frameCountOf(values: ArrayLike<number>, jointCount: number, dims: number): number {
  const perFrame = jointCount * dims;
  if (values.length % perFrame !== 0) {
    throw new RangeError(`array of ${values.length} values is not a whole number of ${jointCount}×${dims} frames`);
  }
  return values.length / perFrame;
}

/**
 * The joints whose mean is the pelvis: Human3.6M-17's pelvis joint (protocols 1 and 2 align there),
 * else LSP-14's two hips (the reference code's align_by_pelvis; any other count is LSP-ordered).
 */
function pelvisJoints(jointCount: number): readonly number[] {
  return jointCount === H36M17_JOINT_COUNT ? [H36M17_PELVIS] : [LSP_RIGHT_HIP, LSP_LEFT_HIP];
}

/**
 * Subtracts, per frame, the pelvis (pelvisJoints), so that a weak-perspective prediction without
 * global translation can be compared with ground truth.
 */
export function alignByPelvis(joints: JointValues, jointCount: number): Float64Array {
  const frames = frameCountOf(joints, jointCount, 3);
  const aligned = new Float64Array(joints.length);
  const pelvisIndices = pelvisJoints(jointCount);
  for (let f = 0; f < frames; f++) {
    const base = f * jointCount * 3;
    for (let d = 0; d < 3; d++) {
      let pelvis = 0;
      for (const joint of pelvisIndices) pelvis += joints[base + joint * 3 + d]!;
      pelvis /= pelvisIndices.length;
      for (let j = 0; j < jointCount; j++) aligned[base + j * 3 + d] = joints[base + j * 3 + d]! - pelvis;
    }
  }
  return aligned;
}

/** Mean over joints of the Euclidean distance between two frames' points (dims 2 or 3). */
export function meanPointDistance(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  pointCount: number,
  dims: number,
): number {
  let sum = 0;
  for (let j = 0; j < pointCount; j++) {
    let squared = 0;
    for (let d = 0; d < dims; d++) {
      const diff = a[aOffset + j * dims + d]! - b[bOffset + j * dims + d]!;
      squared += diff * diff;
    }
    sum += Math.sqrt(squared);
  }
  return sum / pointCount;
}
