import type { StoredTubePrediction } from '../../src/store/predictions.js';
import { seededRandom } from '../helpers/seeded-random.js';

/**
 * A tube's stored predictions with lively, smooth motion: the root is HMR's upright-facing-the-camera
 * rotation (π about x) turning about the vertical, every joint swings up to ±1.4 rad on all three
 * axes, shape varies a little per frame, the camera drifts. Deterministic per seed.
 */
export function syntheticTubePrediction(seed: number, frames: number, tubeId = 1): StoredTubePrediction {
  const random = seededRandom(seed);
  const phases = Array.from({ length: 72 }, () => random() * 2 * Math.PI);
  const amplitudes = Array.from({ length: 72 }, () => 0.2 + 1.2 * random());
  const theta = new Float32Array(frames * 85);
  for (let f = 0; f < frames; f++) {
    const row = theta.subarray(f * 85, (f + 1) * 85);
    row.set([0.9 + 0.1 * Math.sin(f / 10), 0.05 * Math.cos(f / 8), -0.1 + 0.02 * f / frames]);
    for (let p = 3; p < 72; p++) row[3 + p] = amplitudes[p]! * Math.sin(f / 6 + phases[p]!);
    // Root: Rx(π)·Ry(yaw) = a half turn about (cos(yaw/2), 0, sin(yaw/2)), plus a little lean.
    const yaw = 0.8 * Math.sin(f / 12);
    row.set([Math.PI * Math.cos(yaw / 2) + 0.1 * Math.sin(f / 5), 0, Math.PI * Math.sin(yaw / 2)], 3);
    for (let b = 0; b < 10; b++) row[75 + b] = 0.5 * Math.sin(b + seed) + 0.05 * (random() - 0.5);
  }
  return {
    tubeId,
    name: `synthetic/${seed}`,
    videoId: null,
    fps: 30,
    frameIndices: Int32Array.from({ length: frames }, (_, f) => 100 + 2 * f),
    theta,
    joints3d: new Float32Array(frames * 14 * 3),
  };
}
