import { HMMR25_NAMES, LSP_JOINT_COUNT } from '../../src/body/joint-sets.js';
import type { BodyModel } from '../../src/body/types.js';
import * as tf from '../../src/tf/tf.js';
import type { TrainingSequence, TrainingTier } from '../../src/train/data/sequence.js';
import { keypointFeatures } from '../../src/train/features/keypoint-features.js';
import { Rng } from '../../src/train/rng.js';

const HEAD_TOP = HMMR25_NAMES.indexOf('head_top');
/** Joints that swing in the test motions: hips, knees, shoulders, elbows. */
const SWINGING = [1, 2, 4, 5, 16, 17, 18, 19];

/**
 * Small synthetic sequences posed through a real body model: a few joints swinging sinusoidally,
 * the upright root of Θ's start ([π, 0, 0]), keypoints seen through a weak-perspective camera
 * (s = 0.9) in the normalised crop, head top invisible as in detector data. mocap3d sequences
 * carry joints, pose and shape; other tiers only keypoints.
 */
export function syntheticSequences(body: BodyModel, options: { count: number; frames: number; seed: number; tier?: TrainingTier }): TrainingSequence[] {
  const rng = new Rng(options.seed);
  const f = options.frames;
  const sequences: TrainingSequence[] = [];
  for (let s = 0; s < options.count; s++) {
    const pose = new Float32Array(f * 72);
    const shape = new Float32Array(f * 10);
    const beta = Array.from({ length: 10 }, () => 0.2 * rng.normal());
    const swings = SWINGING.map((joint) => ({ joint, axis: rng.int(3), amplitude: 0.2 + 0.6 * rng.next(), phase: 2 * Math.PI * rng.next(), rate: 0.1 + 0.2 * rng.next() }));
    for (let t = 0; t < f; t++) {
      pose[t * 72] = Math.PI;
      pose[t * 72 + 1] = 0.3 * Math.sin(0.05 * t + s);
      for (const swing of swings) pose[t * 72 + swing.joint * 3 + swing.axis] = swing.amplitude * Math.sin(swing.rate * t + swing.phase);
      shape.set(beta, t * 10);
    }
    const points3d = tf.tidy(() => body.posedKeypoints(tf.tensor2d(pose, [f, 72]), tf.tensor2d(shape, [f, 10]), 'hmmr25').keypoints.dataSync() as Float32Array);
    const keypoints = new Float32Array(f * 25 * 3);
    const joints3d = new Float32Array(f * LSP_JOINT_COUNT * 3);
    for (let t = 0; t < f; t++) {
      for (let k = 0; k < 25; k++) {
        const i = t * 25 + k;
        if (k !== HEAD_TOP) keypoints.set([0.9 * points3d[i * 3]!, 0.9 * points3d[i * 3 + 1]!, 1], i * 3);
        if (k < LSP_JOINT_COUNT) joints3d.set(points3d.subarray(i * 3, i * 3 + 3), (t * LSP_JOINT_COUNT + k) * 3);
      }
    }
    const tier = options.tier ?? 'mocap3d';
    const sequence: TrainingSequence = { id: `synthetic-${options.seed}-${s}`, name: `synthetic-${s}`, tier, frameCount: f, keypoints, features: keypointFeatures(keypoints, f, 0.1) };
    if (tier === 'mocap3d') {
      sequence.groundTruth = { joints3d, hasJoints: new Uint8Array(f).fill(1), pose, shape, hasSmpl: new Uint8Array(f).fill(1) };
    }
    sequences.push(sequence);
  }
  return sequences;
}
