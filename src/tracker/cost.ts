/**
 * How unlike a track's predicted pose and a detection are: a weighted sum of (1 − OKS) and (1 − IoU),
 * both in [0, 1]. A pair whose cost exceeds the gate is forbidden (+Infinity), so two unrelated people
 * are never linked just because nothing better was available (Detect-and-Track links even IoU-0 pairs).
 */
import type { Box } from '../domain.js';
import { boxIoU } from './keypoint-box.js';

export interface PairCostOptions {
  /** Weight of 1 − OKS (keypoint similarity). */
  oksWeight: number;
  /** Weight of 1 − IoU of the keypoint boxes. */
  iouWeight: number;
  /** Pairs costing more than this are never linked. In cost units (the weights' sum is the maximum). */
  gate: number;
  /** Floor for the OKS scale s² (px²), so a person seen as one or two points is not matched at pixel precision. */
  minAreaPx2: number;
}

export const DEFAULT_PAIR_COST_OPTIONS: PairCostOptions = {
  oksWeight: 0.5,
  iouWeight: 0.5,
  gate: 0.8,
  minAreaPx2: 400,
};

/** A pose with its box, as matching sees it (a track's prediction or a detection). */
export interface PoseObservation {
  keypoints: Float32Array;
  box: Box;
}

/**
 * Object keypoint similarity over the keypoints visible in BOTH poses: mean of exp(−d² / (2 s² κ²)),
 * κ = 2σ (as cocoapi), s² = the scale area in px². 0 when no keypoint is visible in both.
 */
export function keypointSimilarity(a: Float32Array, b: Float32Array, sigmas: Float64Array, areaPx2: number): number {
  let sum = 0;
  let shared = 0;
  for (let k = 0; k < sigmas.length; k++) {
    const i = 3 * k;
    if (!(a[i + 2]! > 0) || !(b[i + 2]! > 0)) continue;
    const dx = a[i]! - b[i]!;
    const dy = a[i + 1]! - b[i + 1]!;
    const kappa = 2 * sigmas[k]!;
    sum += Math.exp(-(dx * dx + dy * dy) / (2 * areaPx2 * kappa * kappa));
    shared++;
  }
  return shared === 0 ? 0 : sum / shared;
}

/** The cost of linking `track` to `detection`, before gating. */
export function pairCost(
  track: PoseObservation,
  detection: PoseObservation,
  sigmas: Float64Array,
  options: PairCostOptions,
): number {
  // The larger box is the better-known extent of the person when one side is only partly visible.
  const area = Math.max(track.box.width * track.box.height, detection.box.width * detection.box.height, options.minAreaPx2);
  const oks = keypointSimilarity(track.keypoints, detection.keypoints, sigmas, area);
  const iou = boxIoU(track.box, detection.box);
  return options.oksWeight * (1 - oks) + options.iouWeight * (1 - iou);
}

/** Row-major tracks × detections cost matrix, with pairs above the gate set to +Infinity. */
export function gatedCostMatrix(
  tracks: readonly PoseObservation[],
  detections: readonly PoseObservation[],
  sigmas: Float64Array,
  options: PairCostOptions,
): Float64Array {
  const cost = new Float64Array(tracks.length * detections.length);
  for (let t = 0; t < tracks.length; t++) {
    for (let d = 0; d < detections.length; d++) {
      const value = pairCost(tracks[t]!, detections[d]!, sigmas, options);
      cost[t * detections.length + d] = value > options.gate ? Infinity : value;
    }
  }
  return cost;
}
