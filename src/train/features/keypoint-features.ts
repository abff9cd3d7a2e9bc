import { flipKeypoints } from '../data/flip.js';
import { KEYPOINT_COUNT, type SequenceFeatures } from '../data/sequence.js';
import type { FeatureExtractor, FeatureInput } from './extractor.js';

export const KEYPOINT_FEATURE_DIMS = KEYPOINT_COUNT * 3;

/**
 * The built-in φ: per frame the 25 canonical keypoints (x, y in the normalised crop and the
 * confidence), with points under the visibility threshold zeroed as the reference stores
 * invisible points (spec B1). The network's learned linear embedding lifts it to its width.
 */
export class KeypointFeatureExtractor implements FeatureExtractor {
  readonly id = 'keypoints';
  readonly dims = KEYPOINT_FEATURE_DIMS;
  readonly cacheable = false;
  readonly sha: string;

  constructor(private readonly visibilityThreshold: number) {
    this.sha = `keypoints-v1-vis${visibilityThreshold}`;
  }

  async extract(input: FeatureInput): Promise<SequenceFeatures> {
    return keypointFeatures(input.keypoints, input.frames.length, this.visibilityThreshold);
  }

  blank(): Float32Array {
    return new Float32Array(this.dims);
  }

  async close(): Promise<void> {}
}

/** Pure core of KeypointFeatureExtractor: canonical keypoints [F, 25, 3] → features and mirrored features. */
export function keypointFeatures(keypoints: Float32Array, frames: number, visibilityThreshold: number): SequenceFeatures {
  const mask = (values: Float32Array) => {
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i += 3) {
      const c = values[i + 2]!;
      if (!(c > 0 && c >= visibilityThreshold)) continue;
      out[i] = values[i]!;
      out[i + 1] = values[i + 1]!;
      out[i + 2] = c;
    }
    return out;
  };
  return { dims: KEYPOINT_FEATURE_DIMS, original: mask(keypoints), mirrored: mask(flipKeypoints(keypoints, frames)) };
}
