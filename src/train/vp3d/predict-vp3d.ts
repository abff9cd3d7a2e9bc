import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import { BadInputFileError } from '../../errors.js';
import * as tf from '../../tf/tf.js';
import type { CheckpointContent } from '../checkpoint.js';
import { Rng } from '../rng.js';
import { padByEdges } from './chunks.js';
import { TRAJECTORY_SIZE, Vp3dLifter } from './lifter.js';

/** Output frames per pass over a long tube (bounds memory; the context is recomputed per pass). */
const FRAMES_PER_PASS = 512;

/** A lifter with a checkpoint's weights and running statistics. */
export function loadVp3dLifter(content: CheckpointContent, checkpointDir: string): Vp3dLifter {
  const vp3d = content.config.vp3d;
  if (!vp3d) throw new BadInputFileError(checkpointDir, 'not a vp3d checkpoint');
  const lifter = new Vp3dLifter(vp3d, content.features.dims, new Rng(content.seed));
  try {
    lifter.params.load(content.encoder.values);
    lifter.statistics.load(content.discriminator.values);
  } catch (error) {
    lifter.dispose();
    throw new BadInputFileError(checkpointDir, `weights do not fit the stored vp3d config: ${(error as Error).message}`);
  }
  return lifter;
}

export interface LiftedSequence {
  /** [F, 14, 3] pelvis-relative joints, metres. */
  joints3d: Float32Array;
  /** [F, 3] the weak-perspective camera [s, tx, ty] of Θ's layout (x̂ = s·(X + t)), from the trajectory (t = (u, v)/s). */
  cameras: Float32Array;
}

/**
 * Every frame of a sequence of features [F, D]: the sequence is padded by repeating its end frames
 * over the receptive field's context (all before the frame when causal), then the dilated model
 * runs over it in passes of up to FRAMES_PER_PASS outputs.
 */
export function liftSequence(lifter: Vp3dLifter, features: Float32Array): LiftedSequence {
  const dims = lifter.featureDims;
  const frameCount = features.length / dims;
  const { before, after } = lifter.context;
  const padded = padByEdges(features, dims, lifter.context);
  const joints3d = new Float32Array(frameCount * LSP_JOINT_COUNT * 3);
  const cameras = new Float32Array(frameCount * 3);
  for (let first = 0; first < frameCount; first += FRAMES_PER_PASS) {
    const count = Math.min(FRAMES_PER_PASS, frameCount - first);
    const inputFrames = count + before + after;
    const outputs = tf.tidy(() => {
      const x = tf.tensor3d(padded.subarray(first * dims, (first + inputFrames) * dims), [1, inputFrames, dims]);
      const { joints, trajectory } = lifter.forward(x);
      return { joints: joints.dataSync() as Float32Array, trajectory: trajectory.dataSync() as Float32Array };
    });
    joints3d.set(outputs.joints, first * LSP_JOINT_COUNT * 3);
    for (let i = 0; i < count; i++) {
      const [s, u, v] = outputs.trajectory.subarray(i * TRAJECTORY_SIZE, (i + 1) * TRAJECTORY_SIZE);
      cameras.set([s!, u! / s!, v! / s!], (first + i) * 3);
    }
  }
  return { joints3d, cameras };
}
