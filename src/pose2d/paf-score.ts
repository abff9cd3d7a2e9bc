/**
 * The Part Affinity Field line integral (Cao et al.; OpenPose bodyPartConnectorBase getScoreAB): how
 * well the field between two keypoint candidates points from A to B.
 *
 * Differences from OpenPose, both because we stay at the network's stride resolution:
 * - the adaptive number of samples is computed from the distance in INPUT pixels (as OpenPose sees
 *   it after upsampling), so a limb gets the same 5..25 samples it would get there;
 * - samples are read with bilinear interpolation (OpenPose rounds to the nearest pixel of its ×8 map)
 *   and sit at the centres of N equal segments of A→B rather than at A + k/N (symmetric in A and B).
 */

export interface PafScoreOptions {
  /** Samples per line; 0 = OpenPose's adaptive count (pafSampleCount). tf-pose and Lightweight OpenPose use 10. */
  samples: number;
  /** A sample counts when PAF · unit(A→B) exceeds this (OpenPose inter_threshold 0.05). */
  sampleThreshold: number;
  /** The fraction of samples that must count, strictly exceeded (OpenPose inter_min_above_threshold 0.95). */
  minAboveFraction: number;
  /** Network output stride, to express distances in input pixels. */
  stride: number;
  /**
   * Cao et al.'s length prior: the score gets min(0, lengthPriorCells / length − 1), so a limb longer
   * than this many cells is penalised (at twice that length by 0.5); 0 = off.
   */
  lengthPriorCells: number;
}

/** One PAF channel pair of one image: x and y components, each width × height. */
export interface PafField {
  x: Float32Array;
  y: Float32Array;
  width: number;
  height: number;
}

/** OpenPose: clamp(round(sqrt(5 · max(|dx|, |dy|))), 5, 25), distances in input pixels. */
export function pafSampleCount(dxInputPx: number, dyInputPx: number): number {
  const longest = Math.max(Math.abs(dxInputPx), Math.abs(dyInputPx));
  return Math.max(5, Math.min(25, Math.round(Math.sqrt(5 * longest))));
}

/**
 * Mean of the passing samples' PAF · û (plus the length prior) when enough samples pass, else 0.
 * Coordinates in heatmap cells.
 */
export function limbScore(field: PafField, ax: number, ay: number, bx: number, by: number, options: PafScoreOptions): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length = Math.sqrt(dx * dx + dy * dy);
  // Coincident candidates carry no direction to test.
  if (length < 1e-6) return 0;
  const ux = dx / length;
  const uy = dy / length;
  const samples = options.samples > 0 ? options.samples : pafSampleCount(dx * options.stride, dy * options.stride);
  // Failing samples the limb can afford; one more and the fraction can no longer pass, so stop there
  // (with OpenPose's 0.95 and at most 25 samples that is the first failure: most wrong pairs cost one sample).
  const affordable = samples - (Math.floor(options.minAboveFraction * samples) + 1);
  let sum = 0;
  let passing = 0;
  for (let k = 0; k < samples; k++) {
    const t = (k + 0.5) / samples;
    const projection = sampleProjection(field, ax + t * dx, ay + t * dy, ux, uy);
    if (projection > options.sampleThreshold) {
      sum += projection;
      passing++;
    } else if (k + 1 - passing > affordable) {
      return 0;
    }
  }
  if (!(passing / samples > options.minAboveFraction)) return 0;
  const prior = options.lengthPriorCells > 0 ? Math.min(0, options.lengthPriorCells / length - 1) : 0;
  return Math.max(0, sum / passing + prior);
}

/** Bilinear PAF at (px, py) projected on (ux, uy); positions outside the map are clamped to its edge. */
function sampleProjection(field: PafField, px: number, py: number, ux: number, uy: number): number {
  const { width, height } = field;
  const x = Math.max(0, Math.min(width - 1, px));
  const y = Math.max(0, Math.min(height - 1, py));
  const x0 = Math.min(Math.floor(x), width - 2 < 0 ? 0 : width - 2);
  const y0 = Math.min(Math.floor(y), height - 2 < 0 ? 0 : height - 2);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = x - x0;
  const fy = y - y0;
  const i00 = y0 * width + x0;
  const i01 = y0 * width + x1;
  const i10 = y1 * width + x0;
  const i11 = y1 * width + x1;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  const vx = w00 * field.x[i00]! + w01 * field.x[i01]! + w10 * field.x[i10]! + w11 * field.x[i11]!;
  const vy = w00 * field.y[i00]! + w01 * field.y[i01]! + w10 * field.y[i10]! + w11 * field.y[i11]!;
  return vx * ux + vy * uy;
}
