import type { BodyModel } from '../body/types.js';
import { CANONICAL_SET, LSP_JOINT_COUNT } from '../body/joint-sets.js';
import { poseRotations } from '../body/rodrigues.js';
import * as tf from '../tf/tf.js';
import type { LossWeights, TrainConfig } from './config.js';
import { KEYPOINT_COUNT } from './data/sequence.js';
import type { TrainingBatch } from './data/windows.js';
import type { PoseFlow } from '../prior/pose-flow.js';
import { discriminatorLoss, encoderAdversarialLoss } from './losses/adversarial.js';
import { branchLosses, type GroundTruthTensors } from './losses/branch.js';
import { flowPriorLoss } from './losses/flow-prior.js';
import { constantShapeLoss, hallucinationLoss, shapePriorLoss } from './losses/priors.js';
import { DISCRIMINATED_JOINTS } from './nn/discriminator.js';
import type { Dropout } from './nn/dropout.js';
import type { FramePredictions, HmmrModel } from './nn/hmmr-network.js';
import { CAMERA_SIZE, POSE_OFFSET, POSE_SIZE, SHAPE_OFFSET, SHAPE_SIZE, SMPL_JOINTS } from './theta.js';

/** A batch on the device. */
export interface BatchTensors {
  /** [B, T, F]. */
  features: tf.Tensor3D;
  /** [B, T]: 1 for real frames, 0 for padding. */
  valid: tf.Tensor2D;
  gt: GroundTruthTensors;
}

export function batchToTensors(batch: TrainingBatch): BatchTensors {
  const { sequences: b, frames: t } = batch;
  return tf.tidy(() => ({
    features: tf.tensor3d(batch.features, [b, t, batch.featureDims]),
    valid: tf.tensor2d(batch.valid, [b, t]),
    gt: {
      keypoints: tf.tensor4d(batch.keypoints, [b, t, KEYPOINT_COUNT, 3]),
      joints3d: tf.tensor4d(batch.joints3d, [b, t, LSP_JOINT_COUNT, 3]),
      hasJoints: tf.tensor2d(batch.hasJoints, [b, t]),
      rotations: tf.reshape(poseRotations(tf.tensor2d(batch.pose, [b * t, POSE_SIZE])), [b, t, SMPL_JOINTS * 9]) as tf.Tensor3D,
      shape: tf.tensor3d(batch.shape, [b, t, SHAPE_SIZE]),
      hasSmpl: tf.tensor2d(batch.hasSmpl, [b, t]),
    },
  }));
}

export function disposeBatchTensors(tensors: BatchTensors): void {
  tf.dispose([tensors.features, tensors.valid, ...Object.values(tensors.gt)]);
}

/**
 * The logged loss terms and the weight each one is multiplied by (spec B2). Present-frame terms
 * have plain names; f_Δt branches are delta_past_* / delta_future_*; the hallucinated branches hal_*.
 */
export const TERM_WEIGHTS: Readonly<Record<string, keyof LossWeights>> = {
  kp: 'kp',
  joints: 'joints',
  smpl: 'smpl',
  const: 'const',
  shape: 'shape',
  adv_e: 'advEncoder',
  flow: 'flowPrior',
  hallucinate: 'hallucinate',
  delta_past_kp: 'deltaKp',
  delta_past_joints: 'deltaJoints',
  delta_past_smpl: 'deltaSmpl',
  delta_future_kp: 'deltaKp',
  delta_future_joints: 'deltaJoints',
  delta_future_smpl: 'deltaSmpl',
  hal_kp: 'halKp',
  hal_joints: 'halJoints',
  hal_smpl: 'halSmpl',
  hal_past_kp: 'halKp',
  hal_past_joints: 'halJoints',
  hal_past_smpl: 'halSmpl',
  hal_future_kp: 'halKp',
  hal_future_joints: 'halJoints',
  hal_future_smpl: 'halSmpl',
};

export interface EncoderObjective {
  /** Σ weight · term. */
  total: tf.Scalar;
  /** Unweighted terms by TERM_WEIGHTS name. */
  terms: Map<string, tf.Scalar>;
  /** Non-root rotations of every prediction [M, 23, 9]: the discriminator's fakes. */
  fakeRotations: tf.Tensor3D;
}

interface BranchSpec {
  prefix: string;
  pose: tf.Tensor2D;
  shape: tf.Tensor2D;
  camera: tf.Tensor2D | 'closed-form';
  offset: number;
}

/**
 * The encoder's objective for one batch: forward through the network (and the hallucinator), one
 * body-model pass over every branch's poses, then the per-branch kp/joints/smpl terms, the shape
 * terms, the hallucination term, the adversarial term (when reals exist) and the flow prior's
 * −log p(θ) (when given a flow), both pose priors over every branch's poses.
 */
export function encoderObjective(
  model: HmmrModel,
  body: BodyModel,
  inputs: BatchTensors,
  config: TrainConfig,
  options: { dropout?: Dropout; adversarial: boolean; flow?: PoseFlow },
): EncoderObjective {
  const [b, t] = inputs.valid.shape;
  const n = b * t;
  const predictions = model.network.forward(inputs.features, { dropout: options.dropout, hallucinate: config.model.hallucinator });
  const delta = config.model.deltaFrames;
  const branches: BranchSpec[] = [];
  const addBranches = (frames: FramePredictions, prefixes: readonly [present: string, past: string, future: string]) => {
    const shape = tf.slice(frames.theta, [0, SHAPE_OFFSET], [n, SHAPE_SIZE]);
    const pose = tf.slice(frames.theta, [0, POSE_OFFSET], [n, POSE_SIZE]);
    branches.push({ prefix: prefixes[0], pose, shape, camera: tf.slice(frames.theta, [0, 0], [n, CAMERA_SIZE]), offset: 0 });
    if (frames.past) branches.push({ prefix: prefixes[1], pose: frames.past, shape, camera: 'closed-form', offset: -delta });
    if (frames.future) branches.push({ prefix: prefixes[2], pose: frames.future, shape, camera: 'closed-form', offset: delta });
  };
  addBranches(predictions.current, ['', 'delta_past_', 'delta_future_']);
  if (predictions.hallucinated) addBranches(predictions.hallucinated, ['hal_', 'hal_past_', 'hal_future_']);

  // (tfjs's concat/split gradients fail on a single piece: the single-frame ablation has one branch.)
  const joinRows = (parts: tf.Tensor2D[]) => (parts.length === 1 ? parts[0]! : tf.concat(parts, 0));
  const poses = joinRows(branches.map((branch) => branch.pose));
  const shapes = joinRows(branches.map((branch) => branch.shape));
  const { keypoints: keypoints3d, rotations } = body.posedKeypoints(poses, shapes, CANONICAL_SET);
  const split = <T extends tf.Tensor>(x: T): tf.Tensor[] => (branches.length === 1 ? [x] : tf.split(x, branches.length, 0));
  const keypointsByBranch = split(keypoints3d);
  const rotationsByBranch = split(rotations);

  const terms = new Map<string, tf.Scalar>();
  branches.forEach((branch, i) => {
    const losses = branchLosses(
      {
        keypoints3d: tf.reshape(keypointsByBranch[i]!, [b, t, KEYPOINT_COUNT, 3]) as tf.Tensor4D,
        rotations: tf.reshape(rotationsByBranch[i]!, [b, t, SMPL_JOINTS * 9]) as tf.Tensor3D,
        shape: tf.reshape(branch.shape, [b, t, SHAPE_SIZE]) as tf.Tensor3D,
        camera: branch.camera === 'closed-form' ? 'closed-form' : (tf.reshape(branch.camera, [b, t, CAMERA_SIZE]) as tf.Tensor3D),
        offset: branch.offset,
      },
      inputs.gt,
    );
    terms.set(`${branch.prefix}kp`, losses.kp);
    terms.set(`${branch.prefix}joints`, losses.joints);
    terms.set(`${branch.prefix}smpl`, losses.smpl);
  });

  const currentShape = tf.reshape(branches[0]!.shape, [b, t, SHAPE_SIZE]) as tf.Tensor3D;
  terms.set('const', constantShapeLoss(currentShape, inputs.valid));
  // Over every prediction's β, duplicates of the Δt branches included, as the reference does.
  terms.set('shape', shapePriorLoss(shapes));
  if (predictions.hallucinated) terms.set('hallucinate', hallucinationLoss(predictions.movieStrip, predictions.hallucinated.movieStrip));

  const m = rotations.shape[0];
  const fakeRotations = tf.slice(rotations, [0, 1, 0], [m, DISCRIMINATED_JOINTS, 9]) as tf.Tensor3D;
  if (options.adversarial) terms.set('adv_e', encoderAdversarialLoss(model.discriminator.apply(fakeRotations)));
  if (options.flow) terms.set('flow', flowPriorLoss(options.flow, poses));

  let total = tf.scalar(0);
  for (const [name, value] of terms) {
    const weight = config.loss[TERM_WEIGHTS[name]!];
    if (weight !== 0) total = tf.add(total, tf.mul(weight, value));
  }
  return { total, terms, fakeRotations };
}

/** d_pose for real poses [R, 72] against fakes [M, 23, 9] (constants here: no gradient to the encoder). */
export function discriminatorObjective(model: HmmrModel, realPoses: tf.Tensor2D, fakeRotations: tf.Tensor3D): tf.Scalar {
  const r = realPoses.shape[0];
  const realRotations = tf.slice(poseRotations(realPoses), [0, 1, 0], [r, DISCRIMINATED_JOINTS, 9]) as tf.Tensor3D;
  return discriminatorLoss(model.discriminator.apply(realRotations), model.discriminator.apply(fakeRotations));
}
