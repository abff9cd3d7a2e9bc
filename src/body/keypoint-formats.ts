/**
 * Keypoint formats by name, as data beside the joint sets: the layouts detectors emit (names in
 * channel order, limbs as index pairs for drawing). A label run stores only its format's name;
 * tracking, import, export and rendering look the layout up here. A model descriptor that declares
 * one of these names must list the same keypoints (src/pose2d/descriptor.ts checks it).
 */
import type { KeypointFormat } from '../domain.js';
import { BODY25_NAMES, COCO18_NAMES } from './joint-sets.js';

/** OpenPose COCO-18's 19 PAF limbs (poseParameters.cpp POSE_COCO_PAIRS; the last two are ear–shoulder). */
const COCO18_LIMBS: readonly (readonly [number, number])[] = [
  [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [1, 8], [8, 9], [9, 10], [1, 11],
  [11, 12], [12, 13], [1, 0], [0, 14], [14, 16], [0, 15], [15, 17], [2, 16], [5, 17],
];

/** OpenPose BODY_25's 26 PAF limbs (POSE_BODY_25_PAIRS_RENDER order of the PAF channels). */
const BODY25_LIMBS: readonly (readonly [number, number])[] = [
  [1, 8], [1, 2], [1, 5], [2, 3], [3, 4], [5, 6], [6, 7], [8, 9], [9, 10], [10, 11],
  [8, 12], [12, 13], [13, 14], [1, 0], [0, 15], [15, 17], [0, 16], [16, 18], [2, 17], [5, 18],
  [14, 19], [19, 20], [14, 21], [11, 22], [22, 23], [11, 24],
];

const REGISTERED: readonly KeypointFormat[] = [
  { name: 'coco18', keypoints: COCO18_NAMES, limbs: COCO18_LIMBS },
  { name: 'body25', keypoints: BODY25_NAMES, limbs: BODY25_LIMBS },
];

/** Every registered format. */
export function knownKeypointFormats(): readonly KeypointFormat[] {
  return REGISTERED;
}

/** The registered format called `name`, if any. */
export function registeredKeypointFormat(name: string): KeypointFormat | undefined {
  return REGISTERED.find((format) => format.name === name);
}

/**
 * The format called `name`; for a name the registry lacks (a user's own model), a generic layout
 * of `keypointCount` unnamed points, so tracking still works (default OKS σ, no limbs).
 */
export function keypointFormatFor(name: string, keypointCount: number): KeypointFormat {
  const known = registeredKeypointFormat(name);
  if (known && known.keypoints.length === keypointCount) return known;
  return { name, keypoints: Array.from({ length: keypointCount }, (_, k) => `keypoint_${k}`), limbs: [] };
}
