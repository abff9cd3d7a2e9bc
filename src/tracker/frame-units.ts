/**
 * Tracking and tube parameters are durations in frames of the SOURCE video, whatever `--fps` the
 * detections were labelled at, so subsampling never changes what a parameter means in time. The
 * tracker compares frame indices (source frames) directly; tube cleaning and box smoothing work on
 * a tube's own frames, so their windows are converted here with the run's source frames per
 * labelled frame (4 for 25 fps labelled at most 8 fps; 1 without subsampling). Counts of detections
 * are not durations and stay as they are: the tracker's minHits, and the cleaning's median over
 * visible-keypoint counts, which bridges one or two dropped detections at any rate.
 */
import type { TubeOptions } from './tube.js';

/** At least `sourceFrames` of the source video, in labelled frames (never fewer than 1). */
export function labelledFramesAtLeast(sourceFrames: number, sourceFramesPerLabelled: number): number {
  return Math.max(1, Math.ceil(sourceFrames / sourceFramesPerLabelled - 1e-9));
}

/** At most `sourceFrames` of the source video, in labelled frames (never fewer than 1). */
export function labelledFramesAtMost(sourceFrames: number, sourceFramesPerLabelled: number): number {
  return Math.max(1, Math.floor(sourceFrames / sourceFramesPerLabelled + 1e-9));
}

/** A median window covering about `sourceFrames`: odd, at least 1. */
function oddWindow(sourceFrames: number, sourceFramesPerLabelled: number): number {
  const frames = Math.max(1, Math.round(sourceFrames / sourceFramesPerLabelled));
  return frames % 2 === 1 ? frames : frames + 1;
}

/** Tube options whose lengths and windows are in source frames, for a stream of labelled frames. */
export function tubeOptionsInLabelledFrames(options: TubeOptions, sourceFramesPerLabelled: number): TubeOptions {
  const per = sourceFramesPerLabelled;
  return {
    cleaning: {
      ...options.cleaning,
      minTubeFrames: labelledFramesAtLeast(options.cleaning.minTubeFrames, per),
      maxTubeFrames: labelledFramesAtMost(options.cleaning.maxTubeFrames, per),
    },
    box: {
      ...options.box,
      medianKernel: oddWindow(options.box.medianKernel, per),
      gaussianSigma: options.box.gaussianSigma / per,
    },
  };
}
