/**
 * Tracks → training tubes: pick the good stretches of each track (tube-cleaning), then give every frame
 * a smoothed box and the crop that puts the person's box diagonal at ≈150 px of a 224 crop (spec B4).
 * Gap frames keep the track's continuity: their box and crop are interpolated, but they carry no
 * keypoints (all confidences 0) and no detection id — nothing was detected there.
 */
import type { Box, KeypointFormat, Tube, TubeFrame } from '../domain.js';
import { boxCenter, boxDiagonal, boxFromVisibleKeypoints, countVisible } from './keypoint-box.js';
import { faceOrShoulderMask } from './keypoint-roles.js';
import { smoothSignal } from './smoothing.js';
import type { Track } from './tracker.js';
import type { TrackHit } from './track-lifecycle.js';
import { defaultTubeCleaningOptions, selectTubeRanges, type TubeCleaningOptions } from './tube-cleaning.js';

/** Side of the square training crop; crop.scale is chosen for this size (spec B4: 224). */
export const TRAINING_CROP_SIZE_PX = 224;

export interface TubeBoxOptions {
  medianKernel: number;
  gaussianSigma: number;
  /** The crop scale makes the box diagonal this long in crop pixels. */
  targetDiagonalPx: number;
  /** Frames whose keypoint box diagonal is shorter are treated as gaps for the box. */
  minDiagonalPx: number;
}

export const DEFAULT_TUBE_BOX_OPTIONS: TubeBoxOptions = {
  medianKernel: 11,
  gaussianSigma: 3,
  targetDiagonalPx: 150,
  minDiagonalPx: 0.5,
};

export interface TubeOptions {
  cleaning: TubeCleaningOptions;
  box: TubeBoxOptions;
}

export function defaultTubeOptions(format: KeypointFormat): TubeOptions {
  return { cleaning: defaultTubeCleaningOptions(format.keypoints.length), box: DEFAULT_TUBE_BOX_OPTIONS };
}

/** Maps a tracked detection back to its stored id (undefined when the detections are not stored). */
export type DetectionIdLookup = (hit: TrackHit) => number | undefined;

/** The tubes of one track, in frame order; several parts may share the track id. */
export function buildTubes(
  track: Track,
  format: KeypointFormat,
  options: TubeOptions = defaultTubeOptions(format),
  detectionIdOf: DetectionIdLookup = () => undefined,
): Tube[] {
  const keypointCount = format.keypoints.length;
  const faceMask = faceOrShoulderMask(format);
  const visibleCounts = track.frames.map((frame) => (frame.hit ? countVisible(frame.hit.person.keypoints) : 0));
  const faceOnly = track.frames.map((frame) => frame.hit !== undefined && showsOnlyMasked(frame.hit.person.keypoints, faceMask));
  return selectTubeRanges(visibleCounts, faceOnly, options.cleaning).map((range) => {
    const frames = track.frames.slice(range.start, range.end);
    const boxes = smoothTubeBoxes(
      frames.map((frame) => (frame.hit ? boxFromVisibleKeypoints(frame.hit.person.keypoints) : undefined)),
      options.box,
    );
    const tubeFrames: TubeFrame[] = frames.map((frame, i) => {
      const tubeFrame: TubeFrame = {
        frameIndex: frame.frameIndex,
        keypoints: frame.hit ? frame.hit.person.keypoints : new Float32Array(3 * keypointCount),
        box: boxes[i]!.box,
        crop: boxes[i]!.crop,
      };
      const detectionId = frame.hit ? detectionIdOf(frame.hit) : undefined;
      if (detectionId !== undefined) tubeFrame.detectionId = detectionId;
      return tubeFrame;
    });
    return { trackId: track.trackId, keypointFormat: format.name, frames: tubeFrames };
  });
}

function showsOnlyMasked(keypoints: Float32Array, mask: Uint8Array): boolean {
  let any = false;
  for (let k = 0; k < mask.length; k++) {
    if (!(keypoints[3 * k + 2]! > 0)) continue;
    if (!mask[k]) return false;
    any = true;
  }
  return any;
}

/**
 * Per frame: raw keypoint box (undefined in gaps) → smoothed box and crop. Centre, width and height
 * are smoothed as separate signals; the crop scale is then that of the smoothed box, so box and crop
 * always describe the same person size (smoothing 1/diagonal on its own drifts from the box).
 */
export function smoothTubeBoxes(
  rawBoxes: readonly (Box | undefined)[],
  options: TubeBoxOptions,
): { box: Box; crop: TubeFrame['crop'] }[] {
  const n = rawBoxes.length;
  const valid = new Uint8Array(n);
  const signals = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const [centerX, centerY, width, height] = signals as [Float64Array, Float64Array, Float64Array, Float64Array];
  rawBoxes.forEach((box, i) => {
    if (!box || boxDiagonal(box) < options.minDiagonalPx) return;
    valid[i] = 1;
    [centerX[i], centerY[i]] = boxCenter(box);
    width[i] = box.width;
    height[i] = box.height;
  });
  const [cx, cy, w, h] = signals.map((signal) => smoothSignal(signal, valid, options)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  return Array.from({ length: n }, (_, i) => {
    const box: Box = { x: cx[i]! - w[i]! / 2, y: cy[i]! - h[i]! / 2, width: w[i]!, height: h[i]! };
    return { box, crop: { centerX: cx[i]!, centerY: cy[i]!, scale: options.targetDiagonalPx / boxDiagonal(box) } };
  });
}
