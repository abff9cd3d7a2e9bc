import { LSP_JOINT_COUNT } from '../../body/joint-sets.js';
import * as tf from '../../tf/tf.js';
import type { ChunkBatch } from './chunks.js';
import type { Vp3dLossWeights } from './config.js';
import { backProject, boneLengthLoss, jointsLoss, reprojectionLoss, trajectoryLoss } from './losses.js';
import type { Vp3dLifter } from './lifter.js';
import type { TrainingPass } from './temporal-model.js';

export interface Vp3dObjective {
  total: tf.Scalar;
  /** Unweighted terms by name (those present in this step). */
  terms: Record<string, tf.Scalar>;
}

/**
 * One step's loss (reference run.py, semi-supervised branch): 3D chunks and 2D-only chunks go
 * through the lifter in ONE batch (batch norm sees both, as there); the 3D chunks give the joint
 * and trajectory terms, the 2D-only chunks the back-projection term and, against the 3D chunks'
 * predictions, the bone-length term.
 */
export function vp3dObjective(lifter: Vp3dLifter, labelled: ChunkBatch, unlabelled: ChunkBatch | undefined, weights: Vp3dLossWeights, pass: TrainingPass, strided: boolean): Vp3dObjective {
  const input = (batch: ChunkBatch) => tf.tensor3d(batch.input, [batch.count, batch.inputFrames, batch.dims]);
  const x = unlabelled ? tf.concat([input(labelled), input(unlabelled)], 0) : input(labelled);
  const { joints, trajectory } = lifter.forward(x, { strided, pass });
  const frames = labelled.outputFrames;
  const part = (from: number, count: number) => ({
    joints: tf.slice(joints, [from, 0, 0, 0], [count, frames, LSP_JOINT_COUNT, 3]),
    trajectory: tf.slice(trajectory, [from, 0, 0], [count, frames, 3]),
  });
  const ours = part(0, labelled.count);
  const terms: Record<string, tf.Scalar> = {
    joints: jointsLoss(ours.joints, tf.tensor4d(labelled.joints!, [labelled.count, frames, LSP_JOINT_COUNT, 3]), tf.tensor2d(labelled.hasJoints!, [labelled.count, frames])),
    trajectory: trajectoryLoss(ours.trajectory, tf.tensor3d(labelled.camera!, [labelled.count, frames, 3]), tf.tensor2d(labelled.hasCamera!, [labelled.count, frames])),
  };
  if (unlabelled) {
    const theirs = part(labelled.count, unlabelled.count);
    const keypoints = tf.tensor4d(unlabelled.keypoints, [unlabelled.count, frames, LSP_JOINT_COUNT, 2]);
    const visible = tf.tensor3d(unlabelled.visible, [unlabelled.count, frames, LSP_JOINT_COUNT]);
    terms.reprojection = reprojectionLoss(backProject(theirs.joints, theirs.trajectory), keypoints, visible);
    terms.boneLength = boneLengthLoss(ours.joints, theirs.joints);
  }
  let total = tf.scalar(0);
  for (const [name, value] of Object.entries(terms)) total = tf.add(total, tf.mul(value, weights[name as keyof Vp3dLossWeights]));
  return { total, terms };
}
