/**
 * What happens to the network's output at test time beyond one forward pass, in the one order every
 * caller uses: flip averaging first (it needs the network), then the pose fit (the body model and the
 * 2D keypoints), then the orientation fit (the 2D keypoints). `hmmr predict` on tubes and on a photo, and `hmmr eval` (its tube predictions
 * and the dynamics table's single frames), all go through here.
 */
import type { BodyModel } from '../body/types.js';
import type { SequencePrediction } from '../train/predict.js';
import { averageWithMirrored } from './flip-averaging.js';
import { refineOrientation, type OrientationRefinementOptions } from './orientation-refinement.js';
import type { PoseRefinementOptions } from './pose-refinement-options.js';
import { refinePose } from './pose-refinement.js';

/** The test-time options; absent = off. */
export interface TestTimeOptions {
  /** Also predict the mirrored input and average the two (flip-averaging.ts); before any refinement. */
  flipAverage?: boolean;
  /** Fit each frame's pose and camera to its 2D keypoints, near the network's pose (pose-refinement.ts). */
  refinePose?: PoseRefinementOptions;
  /** Turn each frame's body to fit its 2D keypoints (orientation-refinement.ts). */
  refineOrientation?: OrientationRefinementOptions;
}

/**
 * Only the options that are on (`flipAverage: true`, the settings of each fit): what stored prediction
 * runs compare and prediction files record. `options` may carry other fields; they are dropped.
 */
export function enabledTestTime(options: TestTimeOptions): TestTimeOptions {
  const enabled: TestTimeOptions = {};
  if (options.flipAverage) enabled.flipAverage = true;
  if (options.refinePose) enabled.refinePose = options.refinePose;
  if (options.refineOrientation) enabled.refineOrientation = options.refineOrientation;
  return enabled;
}

/** How to reach the network and the body for one input (a tube, or a photo's person). */
export interface TestTimeInput {
  plain: SequencePrediction;
  /** The network on the mirrored features; called only with `flipAverage`. */
  predictMirrored: () => SequencePrediction;
  /** [F, K, 3] canonical keypoints in the normalised crop (normaliseTubeKeypoints), K per frame. */
  keypoints: Float32Array;
  keypointsPerFrame: number;
  /** Θ rows → LSP-14 joints with the checkpoint's body model. */
  jointsOf: (theta: Float32Array) => Float32Array;
  /** The checkpoint's body model; needed by `refinePose`. */
  body?: BodyModel;
}

/** The network's output through the options that are on; an aborted `signal` stops the pose fit (InterruptedError). */
export async function applyTestTime(input: TestTimeInput, options: TestTimeOptions, signal?: AbortSignal): Promise<SequencePrediction> {
  const averaged = options.flipAverage ? averageWithMirrored(input.plain, input.predictMirrored(), input.jointsOf) : input.plain;
  let fitted = averaged;
  if (options.refinePose) {
    if (!input.body) throw new Error('pose refinement needs the checkpoint\'s body model');
    fitted = await refinePose(averaged, input.keypoints, input.keypointsPerFrame, input.body, input.jointsOf, options.refinePose, signal);
  }
  return options.refineOrientation ? refineOrientation(fitted, input.keypoints, input.keypointsPerFrame, input.jointsOf, options.refineOrientation) : fitted;
}
