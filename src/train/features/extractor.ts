import type { TubeFrame } from '../../domain.js';
import type { SequenceFeatures } from '../data/sequence.js';

/** What an extractor may need of a tube. */
export interface FeatureInput {
  /** Stable tube identity (cache key). */
  tubeId: string;
  /** The source video, for extractors that look at pixels. */
  videoPath?: string;
  frames: readonly TubeFrame[];
  /** [F, 25, 3] canonical keypoints in the normalised crop (see TrainingSequence.keypoints). */
  keypoints: Float32Array;
}

/**
 * Per-frame features φ, pluggable (spec C): the built-in `keypoints` extractor needs no pretrained
 * backbone; `onnx:<model>` runs an image backbone on the 224×224 tube crops (the paper's setting).
 * Both feed the same network, whose input embedding adapts to `dims`.
 */
export interface FeatureExtractor {
  /** 'keypoints' or 'onnx:<path>', as configs and checkpoints name it. */
  readonly id: string;
  /** Identity of what produces the numbers (weights sha, feature definition version). */
  readonly sha: string;
  readonly dims: number;
  /** Worth caching on disk (true for backbones; keypoint features are cheaper to recompute). */
  readonly cacheable: boolean;
  /** Features of a tube's frames and of their mirror images. */
  extract(input: FeatureInput, signal?: AbortSignal): Promise<SequenceFeatures>;
  /** The feature of an empty frame (padding at sequence ends at test time: the reference pads with black frames). */
  blank(): Float32Array;
  close(): Promise<void>;
}
