import type { VisibilityValues } from './joint-arrays.js';

/**
 * Which frames count for the 3D metrics. The reference code keeps a frame only when MORE than
 * `minVisibleExclusive` (6) of the ground truth's 2D keypoints are visible (spec B3), so frames
 * where the person is mostly out of view or occluded do not dominate the error.
 */
export const MIN_VISIBLE_3D_EXCLUSIVE = 6;

/** Visible keypoints of one frame (a value > 0 counts as visible). */
export function visibleCount(visible: VisibilityValues, frame: number, jointCount: number): number {
  let count = 0;
  const base = frame * jointCount;
  for (let j = 0; j < jointCount; j++) if (visible[base + j]! > 0) count++;
  return count;
}

/**
 * 1 for frames whose ground truth has > minVisibleExclusive visible keypoints, 0 otherwise.
 * Without visibility information every frame counts.
 */
export function framesFor3dMetrics(
  frameCount: number,
  jointCount: number,
  visible: VisibilityValues | undefined,
  minVisibleExclusive: number = MIN_VISIBLE_3D_EXCLUSIVE,
): Uint8Array {
  const mask = new Uint8Array(frameCount);
  for (let f = 0; f < frameCount; f++) {
    mask[f] = visible === undefined || visibleCount(visible, f, jointCount) > minVisibleExclusive ? 1 : 0;
  }
  return mask;
}
