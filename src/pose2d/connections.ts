/**
 * Per-limb candidate connections: every (A, B) candidate pair of a limb is scored by the PAF line
 * integral, then matched greedily one-to-one by descending rank (the bipartite step of OpenPose and
 * Cao et al.: each keypoint candidate joins at most one limb of each type).
 */
import type { LimbSpec } from './descriptor.js';
import { limbScore, type PafField, type PafScoreOptions } from './paf-score.js';
import type { PeakList } from './peaks.js';

/** Matched limbs, struct-of-arrays: connection i joins peaks peakA[i] and peakB[i] of limb limb[i]. */
export interface Connections {
  count: number;
  limb: Int32Array;
  peakA: Int32Array;
  peakB: Int32Array;
  pafScore: Float32Array;
}

export interface MatchingOptions extends PafScoreOptions {
  /**
   * Candidates are matched by PAF score + this × (sum of both keypoint scores): 0 ranks by the field
   * alone (tf-pose, Open Model Zoo); a weight lets a confident keypoint win over a faint blob that a
   * short stretch of strong field happens to reach.
   */
  peakScoreWeight: number;
}

/** pafs: [PAF channels] × height × width, the descriptor's PAF channels of one image. */
export function findLimbConnections(
  peaks: PeakList,
  limbs: readonly LimbSpec[],
  pafs: Float32Array,
  width: number,
  height: number,
  options: MatchingOptions,
): Connections {
  const cells = width * height;
  const limbOut: number[] = [];
  const aOut: number[] = [];
  const bOut: number[] = [];
  const scoreOut: number[] = [];
  const candidates: { score: number; key: number; a: number; b: number }[] = [];

  limbs.forEach((limb, limbIndex) => {
    const [partA, partB] = limb.parts;
    const aStart = peaks.partStart[partA]!;
    const aEnd = peaks.partStart[partA + 1]!;
    const bStart = peaks.partStart[partB]!;
    const bEnd = peaks.partStart[partB + 1]!;
    if (aStart === aEnd || bStart === bEnd) return;
    const field: PafField = {
      x: pafs.subarray(limb.paf[0] * cells, (limb.paf[0] + 1) * cells),
      y: pafs.subarray(limb.paf[1] * cells, (limb.paf[1] + 1) * cells),
      width,
      height,
    };
    candidates.length = 0;
    for (let a = aStart; a < aEnd; a++) {
      for (let b = bStart; b < bEnd; b++) {
        const score = limbScore(field, peaks.x[a]!, peaks.y[a]!, peaks.x[b]!, peaks.y[b]!, options);
        if (score > 1e-6) candidates.push({ score, key: score + options.peakScoreWeight * (peaks.score[a]! + peaks.score[b]!), a, b });
      }
    }
    // Stable sort: equal ranks keep scan order, so results never depend on engine sort details.
    candidates.sort((p, q) => q.key - p.key);
    const usedA = new Uint8Array(aEnd - aStart);
    const usedB = new Uint8Array(bEnd - bStart);
    const most = Math.min(aEnd - aStart, bEnd - bStart);
    let matched = 0;
    for (const { score, a, b } of candidates) {
      if (usedA[a - aStart] || usedB[b - bStart]) continue;
      usedA[a - aStart] = 1;
      usedB[b - bStart] = 1;
      limbOut.push(limbIndex);
      aOut.push(a);
      bOut.push(b);
      scoreOut.push(score);
      if (++matched === most) break;
    }
  });

  return {
    count: limbOut.length,
    limb: Int32Array.from(limbOut),
    peakA: Int32Array.from(aOut),
    peakB: Int32Array.from(bOut),
    pafScore: Float32Array.from(scoreOut),
  };
}
