import { LSP_JOINT_COUNT, LSP_LEFT_HIP, LSP_RIGHT_HIP } from '../../body/joint-sets.js';
import * as tf from '../../tf/tf.js';
import { ParameterSet } from '../nn/parameters.js';
import type { Rng } from '../rng.js';
import type { Vp3dConfig } from './config.js';
import { Vp3dTemporalModel, type TrainingPass } from './temporal-model.js';

if (Math.abs(LSP_RIGHT_HIP - LSP_LEFT_HIP) !== 1) throw new Error('the lifter re-centres its joints on the LSP hips, which must be adjacent');

/** The trajectory model's outputs per frame: weak-perspective scale s and the root's crop position (u, v). */
export const TRAJECTORY_SIZE = 3;

/** Outputs of one pass, per output frame. */
export interface LifterOutputs {
  /** [B, T, 14, 3] LSP joints relative to the pelvis (mid-hip), metres. */
  joints: tf.Tensor4D;
  /** [B, T, 3]: s, u, v with x̂ = s·X_xy + (u, v) in the normalised crop. */
  trajectory: tf.Tensor3D;
}

/**
 * The VideoPose3D lifter: a pose model (per-frame features → root-relative 3D joints of the frame
 * its receptive field is aligned with) and a trajectory model of the same architecture.
 * The paper's trajectory is the root's 3D position under a pinhole camera; hmmr's tubes have
 * weak-perspective crops, so the trajectory here is that camera's equivalent: the scale s (∝ 1/depth)
 * and the root's position (u, v) in the crop, so that the joints project as s·X_xy + (u, v).
 * Trained weights are `params` (`pose/…`, `trajectory/…`); the batch-norm running statistics are
 * `statistics`, checkpointed beside them but not trained.
 */
export class Vp3dLifter {
  readonly params: ParameterSet;
  readonly statistics: ParameterSet;
  readonly pose: Vp3dTemporalModel;
  readonly trajectory: Vp3dTemporalModel;

  constructor(readonly config: Vp3dConfig, readonly featureDims: number, rng: Rng) {
    this.params = new ParameterSet(rng);
    this.statistics = new ParameterSet(rng);
    this.pose = new Vp3dTemporalModel(this.params.scope('pose'), this.statistics.scope('pose'), featureDims, LSP_JOINT_COUNT * 3, config);
    this.trajectory = new Vp3dTemporalModel(this.params.scope('trajectory'), this.statistics.scope('trajectory'), featureDims, TRAJECTORY_SIZE, config);
  }

  get receptiveField(): number {
    return this.pose.receptiveField;
  }

  get context(): { before: number; after: number } {
    return this.pose.context;
  }

  /**
   * x [B, L, featureDims] → outputs for its L − RF + 1 frames. `strided` runs the one-window form
   * (L = RF); a training pass adds batch statistics and dropout.
   */
  forward(x: tf.Tensor3D, options: { strided?: boolean; pass?: TrainingPass } = {}): LifterOutputs {
    const run = (model: Vp3dTemporalModel) => (options.strided ? model.forwardStrided(x, options.pass) : model.forwardDilated(x, options.pass));
    const raw = run(this.pose);
    const [batch, frames] = raw.shape;
    const joints = tf.reshape(raw, [batch, frames, LSP_JOINT_COUNT, 3]);
    // Re-centred on their own pelvis, so the joints are root-relative by construction (the
    // reference zeroes its root joint); the hips are adjacent in LSP order.
    const pelvis = tf.mean(tf.slice(joints, [0, 0, Math.min(LSP_RIGHT_HIP, LSP_LEFT_HIP), 0], [batch, frames, 2, 3]), 2, true);
    return { joints: tf.sub(joints, pelvis), trajectory: run(this.trajectory) };
  }

  dispose(): void {
    this.params.dispose();
    this.statistics.dispose();
  }
}
