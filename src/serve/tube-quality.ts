/**
 * Per-tube quality figures a curator sorts and filters by. Computed from the stored frames, so they
 * mean the same for every detector: how long, how confident, how complete, how shaky.
 */
import type { TubeFrame } from '../domain.js';
import { countVisible } from '../tracker/keypoint-box.js';

export interface TubeQuality {
  frames: number;
  /** Mean detection score of the frames backed by a detection; null when none is (synthetic tubes). */
  meanScore: number | null;
  /** Mean number of keypoints per frame with confidence > 0 (the overlay draws exactly these). */
  visibleKeypoints: number;
  /** Frames the tracker filled across gaps. */
  filledFrames: number;
  /**
   * Mean size of a keypoint's second difference between consecutive tube frames, as a percentage of
   * the person's box diagonal: 0 for constant velocity, large for jumping limbs or identity switches.
   * null when no keypoint is visible in three consecutive frames.
   */
  jitterPct: number | null;
}

export function measureTubeQuality(frames: readonly TubeFrame[], meanScore: number | null, filledFrames: number): TubeQuality {
  const visible = frames.reduce((sum, frame) => sum + countVisible(frame.keypoints), 0);
  return {
    frames: frames.length,
    meanScore,
    visibleKeypoints: frames.length === 0 ? 0 : visible / frames.length,
    filledFrames,
    jitterPct: meanSecondDifferencePct(frames),
  };
}

function meanSecondDifferencePct(frames: readonly TubeFrame[]): number | null {
  let sum = 0;
  let count = 0;
  for (let t = 1; t + 1 < frames.length; t++) {
    const [before, now, after] = [frames[t - 1]!.keypoints, frames[t]!.keypoints, frames[t + 1]!.keypoints];
    const diagonal = Math.hypot(frames[t]!.box.width, frames[t]!.box.height);
    if (!(diagonal > 0)) continue;
    for (let k = 0; k < now.length; k += 3) {
      if (!(before[k + 2]! > 0 && now[k + 2]! > 0 && after[k + 2]! > 0)) continue;
      const ax = after[k]! - 2 * now[k]! + before[k]!;
      const ay = after[k + 1]! - 2 * now[k + 1]! + before[k + 1]!;
      sum += (100 * Math.hypot(ax, ay)) / diagonal;
      count++;
    }
  }
  return count === 0 ? null : sum / count;
}
