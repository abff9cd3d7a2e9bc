/**
 * Fixed keypoint layouts of the exchange formats we write, and the by-name mapping from any of our
 * keypoint formats onto them (a point our format lacks is written as undetected).
 */
import type { KeypointFormat } from '../../domain.js';
import { boxFromVisibleKeypoints } from '../keypoint-box.js';
import { canonicalKeypointKey } from '../keypoint-roles.js';
import { float32ArrayToJson, roundTo } from './json-numbers.js';

export interface ExchangeLayout {
  keypoints: readonly string[];
  /** 1-based keypoint index pairs, as COCO-style files store them. */
  skeleton: readonly (readonly [number, number])[];
  /** Our canonical keys that stand in for a layout point of another name (PoseTrack's head_bottom ≈ neck). */
  aliases?: Readonly<Record<string, string>>;
}

const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9],
  [8, 10], [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7],
];

export const COCO17_LAYOUT: ExchangeLayout = {
  keypoints: [
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  ],
  skeleton: COCO_SKELETON,
};

/** PoseTrack 2018 replaces COCO's eyes with head_bottom (the neck) and head_top (no detector of ours has it). */
export const POSETRACK18_LAYOUT: ExchangeLayout = {
  keypoints: [
    'nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle',
  ],
  skeleton: COCO_SKELETON,
  aliases: { headbottom: 'neck' },
};

/** For each layout point, the index of the matching keypoint in `format`, or -1. */
export function layoutSourceIndices(format: KeypointFormat, layout: ExchangeLayout): Int32Array {
  const indexOfKey = new Map(format.keypoints.map((name, i) => [canonicalKeypointKey(name), i] as const));
  return Int32Array.from(layout.keypoints, (name) => {
    const key = canonicalKeypointKey(name);
    return indexOfKey.get(layout.aliases?.[key] ?? key) ?? -1;
  });
}

/** Keypoints of `format` rearranged into the layout: x, y, confidence triples (zeros where missing). */
export function toLayout(keypoints: Float32Array, sourceIndices: Int32Array): Float32Array {
  const out = new Float32Array(3 * sourceIndices.length);
  sourceIndices.forEach((source, i) => {
    if (source >= 0) out.set(keypoints.subarray(3 * source, 3 * source + 3), 3 * i);
  });
  return out;
}

/**
 * A pose in a layout, ready for JSON: x, y and confidence values (visibility left to the writer), the
 * box of its detected points as [x, y, width, height] and how many points are detected.
 */
export function layoutPose(
  keypoints: Float32Array,
  sourceIndices: Int32Array,
): { values: number[]; confidences: number[]; bbox: number[]; detected: number } {
  const mapped = toLayout(keypoints, sourceIndices);
  const box = boxFromVisibleKeypoints(mapped) ?? { x: 0, y: 0, width: 0, height: 0 };
  const values = float32ArrayToJson(mapped);
  const confidences = values.filter((_, i) => i % 3 === 2);
  return {
    values,
    confidences,
    bbox: [box.x, box.y, box.width, box.height].map((v) => roundTo(v, 3)),
    detected: confidences.filter((c) => c > 0).length,
  };
}

/** Replaces every third value (the confidence) by `visible` where detected and 0 elsewhere. */
export function withVisibilityFlags(values: number[], visible: number): number[] {
  return values.map((v, i) => (i % 3 === 2 ? (v > 0 ? visible : 0) : v));
}
