/**
 * Which stretches of a track become training tubes (spec B4, HD `clean_video`), generalised in two
 * ways: the visible-keypoint thresholds scale with the format's keypoint count, and a track yields
 * every good stretch (not only the first), with long stretches split into parts instead of truncated.
 */
import { medianFilter } from './smoothing.js';

export interface TubeCleaningOptions {
  /** Window of the median filter over the per-frame visible-keypoint count. */
  countMedianKernel: number;
  /** A tube starts at a frame with MORE than this many visible keypoints (filtered count). */
  startAboveVisible: number;
  /** ... and stops before the first frame with at most this many. */
  cutAtOrBelowVisible: number;
  /** Shorter stretches are dropped. */
  minTubeFrames: number;
  /** Longer stretches are split into equal parts no longer than this. */
  maxTubeFrames: number;
  /** Stretches where at least this share of frames show only face/shoulder keypoints are dropped. */
  maxFaceOnlyShare: number;
}

/**
 * The reference thresholds (> 6 to start, ≤ 4 to cut) were set for HD's 25 training slots, of which at
 * most 24 can be visible (head top never is). Other formats keep the same proportions.
 */
export function defaultTubeCleaningOptions(keypointCount: number): TubeCleaningOptions {
  return {
    countMedianKernel: 5,
    startAboveVisible: Math.round((6 * keypointCount) / 24),
    cutAtOrBelowVisible: Math.round((4 * keypointCount) / 24),
    minTubeFrames: 40,
    maxTubeFrames: 500,
    maxFaceOnlyShare: 0.4,
  };
}

/** Half-open [start, end) index range into a track's frames. */
export interface FrameRange {
  start: number;
  end: number;
}

/**
 * visibleCounts[i]: visible keypoints in frame i of the track (0 in gaps); faceOnly[i]: that frame's
 * visible keypoints are all face or shoulder points. Returns the kept ranges, in order.
 */
export function selectTubeRanges(
  visibleCounts: ArrayLike<number>,
  faceOnly: ArrayLike<boolean>,
  options: TubeCleaningOptions,
): FrameRange[] {
  const filtered = medianFilter(Float64Array.from(visibleCounts), options.countMedianKernel);
  const ranges: FrameRange[] = [];
  let i = 0;
  while (i < filtered.length) {
    if (!(filtered[i]! > options.startAboveVisible)) {
      i++;
      continue;
    }
    const start = i;
    while (i < filtered.length && filtered[i]! > options.cutAtOrBelowVisible) i++;
    ranges.push(...splitLongRange({ start, end: i }, options.maxTubeFrames));
  }
  return ranges.filter((range) => {
    const length = range.end - range.start;
    if (length < options.minTubeFrames) return false;
    let faceOnlyFrames = 0;
    for (let k = range.start; k < range.end; k++) if (faceOnly[k]) faceOnlyFrames++;
    return faceOnlyFrames / length < options.maxFaceOnlyShare;
  });
}

/** Equal parts (lengths differ by at most one), so no short leftover part falls under the minimum. */
function splitLongRange(range: FrameRange, maxFrames: number): FrameRange[] {
  const length = range.end - range.start;
  const parts = Math.max(1, Math.ceil(length / maxFrames));
  const out: FrameRange[] = [];
  for (let p = 0; p < parts; p++) {
    out.push({
      start: range.start + Math.floor((p * length) / parts),
      end: range.start + Math.floor(((p + 1) * length) / parts),
    });
  }
  return out;
}
