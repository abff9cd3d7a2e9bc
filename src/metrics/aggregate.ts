/**
 * Two ways of averaging per-frame values over a set of sequences; the choice moves published numbers,
 * so reports carry both, labelled (spec C):
 * - perSequence: nanmean within each sequence, then the mean over sequences that have any value
 *   (the reference code: every sequence weighs the same, however long);
 * - allFrames: nanmean over every frame of every sequence (VIBE: long sequences weigh more).
 * NaN marks a frame that does not count (filtered out, too few visible points).
 */
export interface Aggregate {
  perSequence: number;
  allFrames: number;
  /** Frames (or acceleration windows) that had a value. */
  countedFrames: number;
  /** Sequences with at least one counted frame. */
  countedSequences: number;
}

export function aggregateAcrossSequences(perSequenceValues: readonly ArrayLike<number>[]): Aggregate {
  let sequenceSum = 0;
  let countedSequences = 0;
  let frameSum = 0;
  let countedFrames = 0;
  for (const values of perSequenceValues) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      if (Number.isNaN(value)) continue;
      sum += value;
      count++;
    }
    if (count === 0) continue;
    sequenceSum += sum / count;
    countedSequences++;
    frameSum += sum;
    countedFrames += count;
  }
  return {
    perSequence: countedSequences === 0 ? NaN : sequenceSum / countedSequences,
    allFrames: countedFrames === 0 ? NaN : frameSum / countedFrames,
    countedFrames,
    countedSequences,
  };
}
