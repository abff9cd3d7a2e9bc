import * as tf from '../../tf/tf.js';
import { ones, zeros, type ParameterScope } from './parameters.js';

/**
 * Group normalisation over a [B, T, C] sequence as tf.contrib.layers.group_norm does it in the
 * reference's temporal encoder: C is split into `groups`, and mean/variance are taken over time ×
 * channels-in-group for each sample, so the statistics depend on the window (spec B1).
 */
export class GroupNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;

  constructor(
    params: ParameterScope,
    private readonly channels: number,
    private readonly groups: number,
    private readonly epsilon: number,
  ) {
    if (channels % groups !== 0) throw new Error(`group norm: ${channels} channels do not split into ${groups} groups`);
    this.gamma = params.create('gamma', [channels], ones);
    this.beta = params.create('beta', [channels], zeros);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [batch, time] = x.shape;
    const grouped = tf.reshape(x, [batch, time, this.groups, this.channels / this.groups]);
    const { mean, variance } = tf.moments(grouped, [1, 3], true);
    const normalised = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(tf.reshape(normalised, [batch, time, this.channels]), this.gamma), this.beta);
  }
}
