import * as tf from '../../tf/tf.js';
import { ones, zeros, type ParameterScope } from '../nn/parameters.js';

/** PyTorch BatchNorm1d's ε, which the reference model uses. */
const EPSILON = 1e-5;

/**
 * Batch statistics of one training forward pass, kept until the step is over: the running means
 * and variances are updated from them outside the gradient tape (they are not trained).
 */
export class BatchStatistics {
  private readonly pending: { layer: BatchNorm; mean: tf.Tensor1D; variance: tf.Tensor1D; count: number }[] = [];

  record(layer: BatchNorm, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number): void {
    this.pending.push({ layer, mean: tf.keep(mean), variance: tf.keep(variance), count });
  }

  /** running ← (1 − momentum)·running + momentum·batch (variance unbiased, as PyTorch), then frees the batch tensors. */
  commit(momentum: number): void {
    for (const { layer, mean, variance, count } of this.pending) {
      const unbiased = count > 1 ? count / (count - 1) : 1;
      tf.tidy(() => {
        layer.runningMean.assign(tf.add(tf.mul(layer.runningMean, 1 - momentum), tf.mul(mean, momentum)));
        layer.runningVariance.assign(tf.add(tf.mul(layer.runningVariance, 1 - momentum), tf.mul(variance, momentum * unbiased)));
      });
    }
    this.discard();
  }

  discard(): void {
    for (const { mean, variance } of this.pending) tf.dispose([mean, variance]);
    this.pending.length = 0;
  }
}

/**
 * Batch normalisation over the batch and time axes of [B, T, C] (channels last), with a learned
 * scale and shift. Training normalises by the batch's statistics and records them; inference uses
 * the running statistics, which live in the model's statistics set (checkpointed, not trained).
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVariance: tf.Variable;

  constructor(params: ParameterScope, statistics: ParameterScope, readonly channels: number) {
    this.gamma = params.create('gamma', [channels], ones);
    this.beta = params.create('beta', [channels], zeros);
    this.runningMean = statistics.create('mean', [channels], zeros);
    this.runningVariance = statistics.create('variance', [channels], ones);
  }

  apply(x: tf.Tensor3D, batchStatistics: BatchStatistics | undefined): tf.Tensor3D {
    if (!batchStatistics) {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.runningVariance, EPSILON)));
      return tf.add(tf.mul(tf.sub(x, this.runningMean), scale), this.beta);
    }
    const { mean, variance } = tf.moments(x, [0, 1]);
    batchStatistics.record(this, mean as tf.Tensor1D, variance as tf.Tensor1D, x.shape[0] * x.shape[1]);
    const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPSILON)));
    return tf.add(tf.mul(normalised, this.gamma), this.beta);
  }
}
