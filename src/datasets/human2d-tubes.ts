/**
 * Human-labelled 2D datasets → human2d tubes in the canonical 25-keypoint layout (hmmr25): each
 * dataset names its keypoints and canonicalMapping places them by name, as it does for detectors.
 */
import { canonicalMapping, CANONICAL_SET, toCanonicalKeypoints } from '../body/joint-sets.js';
import type { GroundTruthTubeToStore } from '../store/ground-truth.js';
import type { TubeSplit } from '../store/tubes.js';
import { tubeFramesFromKeypoints } from './tube-frames.js';

export interface LabelledTrack {
  name: string;
  trackId: number;
  split: TubeSplit;
  fps: number;
  frameIndices: number[];
  /** Per frame, flat x, y, visibility (> 0 = labelled) in the dataset's keypoint order; zeros for a missing frame. */
  keypoints: Float32Array[];
}

/** A human2d tube from a labelled track whose keypoints are named `keypointNames`. */
export function human2dTube(track: LabelledTrack, keypointNames: readonly string[], file: string): GroundTruthTubeToStore {
  const mapping = canonicalMapping({ name: 'dataset', keypoints: keypointNames, limbs: [] });
  const keypoints = track.keypoints.map((points) => {
    const canonical = toCanonicalKeypoints(mapping, points);
    // Unlabelled points are not detections: zero them (x = y = 0 where the confidence is 0).
    for (let k = 0; k < canonical.length; k += 3) if (!(canonical[k + 2]! > 0)) canonical.fill(0, k, k + 3);
    return canonical;
  });
  return {
    name: track.name,
    trackId: track.trackId,
    keypointFormat: CANONICAL_SET,
    tier: 'human2d',
    split: track.split,
    fps: track.fps,
    frames: tubeFramesFromKeypoints(track.frameIndices, keypoints, file, track.name),
    jointSet: '',
    groundTruth: [],
  };
}
