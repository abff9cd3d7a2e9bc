/**
 * Shot cuts from the frame source's scene score (mean absolute difference to the previous frame, 0..1).
 * A cut is a spike: the score must clear an absolute floor AND be a large multiple of the scores around
 * it, so fast camera motion (uniformly high scores) and a static scene's sensor noise (uniformly low
 * scores, where any multiple is cheap) are both not cuts.
 */
import { median } from '../util/median.js';

export interface ShotChangeOptions {
  /** A cut needs at least this scene score. */
  minSceneScore: number;
  /** ... and at least this multiple of the median score of its neighbours. */
  medianFactor: number;
  /** Neighbours considered on each side for the local median. */
  windowFrames: number;
}

export const DEFAULT_SHOT_CHANGE_OPTIONS: ShotChangeOptions = {
  minSceneScore: 0.1,
  medianFactor: 4,
  windowFrames: 12,
};

/**
 * One flag per frame of the sequence: true where a new shot starts. Unknown scores (null, e.g. for
 * imported detections) never start a shot and are left out of the neighbours' median.
 */
export function detectShotChanges(
  sceneScores: readonly (number | null)[],
  options: ShotChangeOptions = DEFAULT_SHOT_CHANGE_OPTIONS,
): boolean[] {
  const cuts = new Array<boolean>(sceneScores.length).fill(false);
  const neighbours: number[] = [];
  // The first frame starts the first shot by definition; its score compares with nothing.
  for (let i = 1; i < sceneScores.length; i++) {
    const score = sceneScores[i];
    if (score === null || score === undefined || !(score >= options.minSceneScore)) continue;
    neighbours.length = 0;
    const from = Math.max(1, i - options.windowFrames);
    const to = Math.min(sceneScores.length - 1, i + options.windowFrames);
    for (let j = from; j <= to; j++) {
      const other = sceneScores[j];
      if (j !== i && other !== null && other !== undefined && Number.isFinite(other)) neighbours.push(other);
    }
    const localMedian = neighbours.length === 0 ? 0 : median(neighbours);
    cuts[i] = score >= options.medianFactor * localMedian;
  }
  return cuts;
}
