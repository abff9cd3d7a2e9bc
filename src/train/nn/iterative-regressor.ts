import * as tf from '../../tf/tf.js';
import { Dense, matMulFast } from './dense.js';
import type { Dropout } from './dropout.js';
import { varianceScaling, zeros, type ParameterScope } from './parameters.js';

export interface IterativeRegressorOptions {
  featureWidth: number;
  /** Size of the regressed state: 85 for f_3D (Θ), 72 for f_Δt (pose only). */
  stateSize: number;
  hidden: number;
  iterations: number;
}

/**
 * HMR's iterative error feedback (HD hmr_ief / encoder_fc3_dropout): each iteration feeds
 * [Φ ‖ state] through FC → ReLU → dropout → FC → ReLU → dropout → FC (Xavier×0.01) and adds the
 * output to the state; the weights are shared across iterations.
 * The first layer's weight is stored as two blocks, one for Φ and one for the state, which is
 * the same linear map as on the concatenation; Φ·W_Φ is then computed once per call instead of
 * once per iteration (Φ does not change between iterations).
 */
export class IterativeRegressor {
  private readonly fc1Feature: tf.Variable;
  private readonly fc1State: tf.Variable;
  private readonly fc1Bias: tf.Variable;
  private readonly fc2: Dense;
  private readonly fc3: Dense;

  constructor(
    params: ParameterScope,
    readonly options: IterativeRegressorOptions,
  ) {
    const { featureWidth, stateSize, hidden } = options;
    // Both blocks keep the fans of the full [featureWidth + stateSize, hidden] matrix.
    const fc1Init = varianceScaling(1, { fanIn: featureWidth + stateSize, fanOut: hidden });
    const fc1 = params.scope('fc1');
    this.fc1Feature = fc1.create('w_feature', [featureWidth, hidden], fc1Init);
    this.fc1State = fc1.create('w_state', [stateSize, hidden], fc1Init);
    this.fc1Bias = fc1.create('b', [hidden], zeros);
    this.fc2 = new Dense(params.scope('fc2'), hidden, hidden, 'relu');
    this.fc3 = new Dense(params.scope('fc3'), hidden, stateSize, 'linear', varianceScaling(0.01));
  }

  /** Φ [N, featureWidth], start [N, stateSize] → final state [N, stateSize]. */
  apply(features: tf.Tensor2D, start: tf.Tensor2D, dropout?: Dropout): tf.Tensor2D {
    const featureTerm = matMulFast(features, this.fc1Feature as tf.Tensor2D, this.fc1Bias as tf.Tensor1D);
    let state = start;
    for (let i = 0; i < this.options.iterations; i++) {
      let h = tf.relu(tf.add(featureTerm, matMulFast(state, this.fc1State as tf.Tensor2D))) as tf.Tensor2D;
      if (dropout) h = dropout.apply(h);
      h = this.fc2.apply(h);
      if (dropout) h = dropout.apply(h);
      state = tf.add(state, this.fc3.apply(h)) as tf.Tensor2D;
    }
    return state;
  }
}
