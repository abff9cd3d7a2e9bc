import * as tf from '../../tf/tf.js';
import type { Rng } from '../rng.js';

/**
 * Inverted dropout whose masks come from the run's seeded RNG (tf.dropout draws from its own
 * generator, which a checkpoint could not restore). Absent at test time: callers pass no Dropout.
 */
export class Dropout {
  constructor(
    private readonly rng: Rng,
    readonly rate: number,
  ) {}

  apply<T extends tf.Tensor>(x: T): T {
    if (this.rate === 0) return x;
    const mask = tf.tensor(this.rng.dropoutMask(x.size, this.rate), x.shape, 'float32');
    return tf.mul(x, mask);
  }
}
