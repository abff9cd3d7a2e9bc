/**
 * What the tracker needs to know about each keypoint of a format, looked up by keypoint NAME so any
 * format a model descriptor declares works without code changes ('right_shoulder', 'RShoulder' and
 * 'r_shoulder' are the same point).
 */
import type { KeypointFormat } from '../domain.js';

/**
 * Per-keypoint OKS falloff constants σ. COCO's published values (Ronchi & Perona; cocoapi) for its 17
 * points; the neck and mid-hip take their neighbours' values, feet take the ankle's.
 */
const OKS_SIGMA_BY_KEY: Readonly<Record<string, number>> = {
  nose: 0.026,
  leye: 0.025,
  reye: 0.025,
  lear: 0.035,
  rear: 0.035,
  neck: 0.079,
  lshoulder: 0.079,
  rshoulder: 0.079,
  lelbow: 0.072,
  relbow: 0.072,
  lwrist: 0.062,
  rwrist: 0.062,
  midhip: 0.107,
  lhip: 0.107,
  rhip: 0.107,
  lknee: 0.087,
  rknee: 0.087,
  lankle: 0.089,
  rankle: 0.089,
  lbigtoe: 0.089,
  rbigtoe: 0.089,
  lsmalltoe: 0.089,
  rsmalltoe: 0.089,
  lheel: 0.089,
  rheel: 0.089,
};

/** Used for names the table does not know: a mid-range body value. */
const DEFAULT_OKS_SIGMA = 0.079;

/** Keypoints that alone do not make a usable training frame (HD drops tubes of mostly such frames). */
const FACE_OR_SHOULDER_KEYS = new Set(['nose', 'leye', 'reye', 'lear', 'rear', 'neck', 'lshoulder', 'rshoulder', 'head', 'headtop']);

/** 'RShoulder', 'right_shoulder', 'r-shoulder' → 'rshoulder'; 'LBigToe', 'left_big_toe' → 'lbigtoe'. */
export function canonicalKeypointKey(name: string): string {
  const lower = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (lower.startsWith('right')) return 'r' + lower.slice(5);
  if (lower.startsWith('left')) return 'l' + lower.slice(4);
  return lower;
}

/** OKS σ per keypoint of the format, in channel order. */
export function oksSigmas(format: KeypointFormat): Float64Array {
  return Float64Array.from(format.keypoints, (name) => OKS_SIGMA_BY_KEY[canonicalKeypointKey(name)] ?? DEFAULT_OKS_SIGMA);
}

/** 1 for keypoints on the face or shoulders, 0 for the rest of the body, in channel order. */
export function faceOrShoulderMask(format: KeypointFormat): Uint8Array {
  return Uint8Array.from(format.keypoints, (name) => (FACE_OR_SHOULDER_KEYS.has(canonicalKeypointKey(name)) ? 1 : 0));
}
