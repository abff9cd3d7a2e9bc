import * as tf from '../../tf/tf.js';
import { Dense } from './dense.js';
import { varianceScaling, type ParameterScope } from './parameters.js';

/**
 * h (HD fc2_res): φ → FC → ReLU → FC → ReLU → FC (Xavier×0.001) → +φ, predicting the movie strip
 * Φ̂ from a single frame's feature. It starts near the identity.
 */
export class Hallucinator {
  private readonly fc1: Dense;
  private readonly fc2: Dense;
  private readonly fc3: Dense;

  constructor(params: ParameterScope, width: number, hidden: number) {
    this.fc1 = new Dense(params.scope('fc1'), width, hidden, 'relu');
    this.fc2 = new Dense(params.scope('fc2'), hidden, hidden, 'relu');
    this.fc3 = new Dense(params.scope('fc3'), hidden, width, 'linear', varianceScaling(0.001));
  }

  /** φ [N, width] → Φ̂ [N, width]. */
  apply(phi: tf.Tensor2D): tf.Tensor2D {
    return tf.add(phi, this.fc3.apply(this.fc2.apply(this.fc1.apply(phi))));
  }
}
