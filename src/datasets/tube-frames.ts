/**
 * Dataset 2D keypoints → tube frames with the same smoothed boxes and 150-px-diagonal crops the
 * tracker gives video tubes, so imported tubes train exactly like tracked ones.
 */
import type { TubeFrame } from '../domain.js';
import { BadInputFileError } from '../errors.js';
import { boxFromVisibleKeypoints } from '../tracker/keypoint-box.js';
import { DEFAULT_TUBE_BOX_OPTIONS, smoothTubeBoxes } from '../tracker/tube.js';

/** `keypoints[f]` are flat x, y, confidence triples; frames without a visible point borrow neighbours' boxes. */
export function tubeFramesFromKeypoints(frameIndices: readonly number[], keypoints: readonly Float32Array[], file: string, what: string): TubeFrame[] {
  const rawBoxes = keypoints.map((points) => boxFromVisibleKeypoints(points));
  if (rawBoxes.every((box) => box === undefined)) throw new BadInputFileError(file, `${what}: no visible 2D keypoint in any frame`);
  const boxes = smoothTubeBoxes(rawBoxes, DEFAULT_TUBE_BOX_OPTIONS);
  return frameIndices.map((frameIndex, f) => ({ frameIndex, keypoints: keypoints[f]!, box: boxes[f]!.box, crop: boxes[f]!.crop }));
}
