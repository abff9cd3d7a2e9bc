import { Rng } from '../rng.js';
import type { TrainingSequence } from './sequence.js';

/**
 * The weakly supervised setting: keeps the 3D ground truth of round(fraction × n) of the n
 * sequences that have it (at least one when the fraction is positive), chosen by a seeded shuffle,
 * and returns the others without it, so they train from their 2D keypoints alone. Sequence
 * objects are copied, never modified (the caller's pose bank still sees every pose).
 */
export function keepGroundTruthShare(sequences: readonly TrainingSequence[], fraction: number, seed: number): TrainingSequence[] {
  if (fraction >= 1) return [...sequences];
  const with3d = sequences.filter((sequence) => sequence.groundTruth);
  const keepCount = fraction > 0 ? Math.max(1, Math.round(fraction * with3d.length)) : 0;
  const random = new Rng((seed ^ 0x3d5a7) >>> 0);
  const order = with3d.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const kept = new Set(order.slice(0, keepCount).map((i) => with3d[i]!));
  return sequences.map((sequence) => (!sequence.groundTruth || kept.has(sequence) ? sequence : { ...sequence, groundTruth: undefined }));
}
