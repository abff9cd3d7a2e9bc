import { flipPermutation } from '../body/joint-sets.js';
import { chance, gaussian, uniform, type RandomSource } from './random.js';

/**
 * Turns clean projected keypoints into what a bottom-up 2D detector reports: jittered positions,
 * confidences, points it misses (face turned away, far-side limbs in profile, out of frame, random
 * dropouts) and the occasional left/right confusion. Works on keypoint NAMES, so any format
 * (coco18, body25) gets the same treatment.
 */
export interface DetectorNoiseOptions {
  /** Position noise as a length on the body (metres); scaled to pixels per sequence. */
  jitterMetres: number;
  /** Probability that any visible point is missed anyway. */
  dropoutRate: number;
  /** Probability per frame that one left/right pair is swapped. */
  swapRate: number;
  /** Extra miss probability for far-side limbs in a full profile view. */
  profileOcclusionRate: number;
  confidenceRange: readonly [number, number];
}

export const DEFAULT_DETECTOR_NOISE: DetectorNoiseOptions = {
  jitterMetres: 0.025,
  dropoutRate: 0.04,
  swapRate: 0.03,
  profileOcclusionRate: 0.35,
  confidenceRange: [0.3, 0.95],
};

export interface DetectorFrameInput {
  /** Clean keypoints, K × 2 frame pixels. */
  points: ArrayLike<number>;
  /** Body rotation about the vertical axis; 0 faces the camera, +π/2 turns the left side away. */
  bodyYaw: number;
  pixelsPerMetre: number;
  frameWidth: number;
  frameHeight: number;
}

/** Flat x, y, c triples (c = 0 and x = y = 0 for a missed point), as pose2d writes them. */
export function simulateDetection(
  input: DetectorFrameInput,
  keypointNames: readonly string[],
  random: RandomSource,
  options: DetectorNoiseOptions = DEFAULT_DETECTOR_NOISE,
): Float32Array {
  const count = keypointNames.length;
  const out = new Float32Array(count * 3);
  // Camera-space z of the body's forward (+z) and left (+x) directions after the upright flip.
  const forwardTowardCamera = Math.cos(input.bodyYaw);
  const leftTowardCamera = -Math.sin(input.bodyYaw);
  const sigmaPx = options.jitterMetres * input.pixelsPerMetre;
  for (let k = 0; k < count; k++) {
    const name = keypointNames[k]!.toLowerCase();
    const side = name.startsWith('left') ? 1 : name.startsWith('right') ? -1 : 0;
    const sideTowardCamera = side * leftTowardCamera;
    let missProbability = options.dropoutRate;
    if (/nose|eye/.test(name) && forwardTowardCamera < 0.2) missProbability = 1;
    if (/ear/.test(name) && sideTowardCamera < -0.5) missProbability = 1;
    if (sideTowardCamera < 0) missProbability += options.profileOcclusionRate * -sideTowardCamera;
    // Always draw the same numbers per point so one point's fate does not shift the others'.
    const missed = chance(random, missProbability);
    const confidence = uniform(random, options.confidenceRange[0], options.confidenceRange[1]);
    const x = input.points[k * 2]! + gaussian(random, 0, sigmaPx * (1.5 - confidence));
    const y = input.points[k * 2 + 1]! + gaussian(random, 0, sigmaPx * (1.5 - confidence));
    if (missed || x < 0 || y < 0 || x >= input.frameWidth || y >= input.frameHeight) continue;
    out.set([x, y, confidence], k * 3);
  }
  // Mirror pairs by name (left_x ↔ right_x), each once.
  const mirror = flipPermutation(keypointNames);
  const pairs = [...mirror].flatMap((j, i) => (j > i ? [[i, j] as const] : []));
  const swapIndex = Math.floor(random.next() * pairs.length);
  if (pairs.length > 0 && chance(random, options.swapRate)) {
    const [a, b] = pairs[swapIndex]!;
    const saved = out.slice(a * 3, a * 3 + 3);
    out.copyWithin(a * 3, b * 3, b * 3 + 3);
    out.set(saved, b * 3);
  }
  return out;
}
