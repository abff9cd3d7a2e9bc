import { canonicalMapping, HMMR25_NAMES, LSP_JOINT_COUNT, toCanonicalKeypoints } from '../../body/joint-sets.js';
import type { KeypointFormatName, TubeFrame } from '../../domain.js';

/** The three kinds of training data (spec A), by what a tube carries. */
export type TrainingTier = 'mocap3d' | 'human2d' | 'pseudo2d';

export const KEYPOINT_COUNT = HMMR25_NAMES.length;
/** Side of the square crop the network sees (spec A: 224×224). */
export const CROP_SIZE = 224;

/** 3D ground truth of a mocap3d sequence, per frame. */
export interface SequenceGroundTruth {
  /** [F, 14, 3] LSP joints, metres, camera frame. */
  joints3d: Float32Array;
  /** [F] 1 where joints3d is known. */
  hasJoints: Uint8Array;
  /** [F, 72] axis-angle SMPL pose, when known. */
  pose?: Float32Array;
  /** [F, 10] SMPL shape, when known. */
  shape?: Float32Array;
  /** [F] 1 where pose and shape are known. */
  hasSmpl?: Uint8Array;
}

/** Per-frame features φ of a sequence and of its mirror image (for flip augmentation). */
export interface SequenceFeatures {
  dims: number;
  /** [F, dims]. */
  original: Float32Array;
  /** [F, dims]: the features of the horizontally flipped frames. */
  mirrored: Float32Array;
}

/** One tube as training and prediction see it. */
export interface TrainingSequence {
  /** Stable identity (the tube id), used to key the feature cache. */
  id: string;
  name: string;
  /**
   * The take (one recording of one performance) this tube is one camera view of, when the store
   * knows it: views of one take are held out for validation together. Absent: a take of its own.
   */
  take?: string;
  tier: TrainingTier;
  frameCount: number;
  /**
   * [F, 25, 3] canonical keypoints: x, y in the 224 crop normalised to [−1, 1] (x' = 2x/224 − 1)
   * and the detector confidence; points the detector lacks or missed are 0, 0, 0.
   */
  keypoints: Float32Array;
  features: SequenceFeatures;
  /** [dims] the extractor's features of a blank frame, which pad windows at the tube's ends; absent: zeros. */
  blankFeatures?: Float32Array;
  groundTruth?: SequenceGroundTruth;
}

/**
 * A tube's frames (keypoints in original pixels, crop per frame) → canonical keypoints in the
 * normalised crop: crop pixel = (x − centre)·scale + 112, then 2·crop/224 − 1 = (x − centre)·scale/112.
 */
export function normaliseTubeKeypoints(frames: readonly Pick<TubeFrame, 'keypoints' | 'crop'>[], format: KeypointFormatName): Float32Array {
  const mapping = canonicalMapping(format);
  const out = new Float32Array(frames.length * KEYPOINT_COUNT * 3);
  const canonical = new Float32Array(KEYPOINT_COUNT * 3);
  const half = CROP_SIZE / 2;
  frames.forEach((frame, f) => {
    toCanonicalKeypoints(mapping, frame.keypoints, canonical);
    const { centerX, centerY, scale } = frame.crop;
    for (let k = 0; k < KEYPOINT_COUNT; k++) {
      const c = canonical[k * 3 + 2]!;
      if (!(c > 0)) continue;
      const o = (f * KEYPOINT_COUNT + k) * 3;
      out[o] = ((canonical[k * 3]! - centerX) * scale) / half;
      out[o + 1] = ((canonical[k * 3 + 1]! - centerY) * scale) / half;
      out[o + 2] = c;
    }
  });
  return out;
}

/** Checks the array sizes of a sequence, so a bad producer fails here and not inside tfjs. */
export function assertSequenceShapes(sequence: TrainingSequence): void {
  const f = sequence.frameCount;
  const expect = (what: string, actual: number, wanted: number) => {
    if (actual !== wanted) throw new Error(`sequence '${sequence.name}': ${what} has ${actual} values, expected ${wanted}`);
  };
  expect('keypoints', sequence.keypoints.length, f * KEYPOINT_COUNT * 3);
  expect('features', sequence.features.original.length, f * sequence.features.dims);
  expect('mirrored features', sequence.features.mirrored.length, f * sequence.features.dims);
  const gt = sequence.groundTruth;
  if (!gt) return;
  expect('joints3d', gt.joints3d.length, f * LSP_JOINT_COUNT * 3);
  expect('hasJoints', gt.hasJoints.length, f);
  if (gt.pose) expect('pose', gt.pose.length, f * 72);
  if (gt.shape) expect('shape', gt.shape.length, f * 10);
  if (gt.hasSmpl) expect('hasSmpl', gt.hasSmpl.length, f);
}
