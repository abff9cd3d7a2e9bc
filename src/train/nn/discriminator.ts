import * as tf from '../../tf/tf.js';
import { Dense } from './dense.js';
import { varianceScaling, zeros, type ParameterScope } from './parameters.js';

/** Non-root SMPL joints the discriminator judges (root orientation is camera-dependent). */
export const DISCRIMINATED_JOINTS = 23;

export interface DiscriminatorOptions {
  jointChannels: number;
  hidden: number;
}

/**
 * The factorised pose discriminator (HD PoseDiscriminator): 23 rotation matrices → shared 1×1
 * convs 9→C→C (ReLU) → one linear head per joint, plus a full-pose branch over all joints'
 * features (23·C → hidden → hidden → 1). Output: 24 logits per pose (23 joints, then the whole).
 */
export class PoseDiscriminator {
  private readonly conv1: Dense;
  private readonly conv2: Dense;
  private readonly headWeights: tf.Variable;
  private readonly headBias: tf.Variable;
  private readonly full1: Dense;
  private readonly full2: Dense;
  private readonly fullOut: Dense;

  constructor(params: ParameterScope, private readonly options: DiscriminatorOptions) {
    const c = options.jointChannels;
    const j = DISCRIMINATED_JOINTS;
    this.conv1 = new Dense(params.scope('conv1'), 9, c, 'relu');
    this.conv2 = new Dense(params.scope('conv2'), c, c, 'relu');
    // 23 separate FC(C → 1) heads, stored as one [23, C] matrix (one row per joint).
    const heads = params.scope('joint_heads');
    this.headWeights = heads.create('w', [j, c], varianceScaling(1, { fanIn: c, fanOut: 1 }));
    this.headBias = heads.create('b', [j], zeros);
    this.full1 = new Dense(params.scope('full1'), j * c, options.hidden, 'relu');
    this.full2 = new Dense(params.scope('full2'), options.hidden, options.hidden, 'relu');
    this.fullOut = new Dense(params.scope('full_out'), options.hidden, 1, 'linear');
  }

  /** Rotation matrices [N, 23, 9] (row-major 3×3 per joint) → logits [N, 24]. */
  apply(rotations: tf.Tensor3D): tf.Tensor2D {
    const [n, joints] = rotations.shape;
    const c = this.options.jointChannels;
    const perJoint = this.conv2.apply(this.conv1.apply(tf.reshape(rotations, [n * joints, 9])));
    const features = tf.reshape(perJoint, [n, joints, c]);
    const jointLogits = tf.add(tf.sum(tf.mul(features, this.headWeights), 2), this.headBias) as tf.Tensor2D;
    const flat = tf.reshape(features, [n, joints * c]) as tf.Tensor2D;
    const fullLogit = this.fullOut.apply(this.full2.apply(this.full1.apply(flat)));
    return tf.concat([jointLogits, fullLogit], 1);
  }
}
