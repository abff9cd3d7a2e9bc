import * as tf from '../../tf/tf.js';
import { GroupNorm } from './group-norm.js';
import type { ParameterScope } from './parameters.js';
import { TemporalConv3 } from './temporal-conv.js';

export interface TemporalEncoderOptions {
  width: number;
  blocks: number;
  groups: number;
  epsilon: number;
}

/**
 * f_movie (HD AZ_FC2GN): residual pre-activation blocks GN → ReLU → conv3 → GN → ReLU → conv3 →
 * +input. The second conv of each block starts at Xavier×0.001, so every block begins near the
 * identity. Receptive field: 4·blocks + 1 frames (13 for the paper's 3 blocks).
 */
export class TemporalEncoder {
  private readonly layers: { norm1: GroupNorm; conv1: TemporalConv3; norm2: GroupNorm; conv2: TemporalConv3 }[] = [];

  constructor(params: ParameterScope, options: TemporalEncoderOptions) {
    const { width, groups, epsilon } = options;
    for (let i = 0; i < options.blocks; i++) {
      const block = params.scope(`block${i}`);
      this.layers.push({
        norm1: new GroupNorm(block.scope('gn1'), width, groups, epsilon),
        conv1: new TemporalConv3(block.scope('conv1'), width, width),
        norm2: new GroupNorm(block.scope('gn2'), width, groups, epsilon),
        conv2: new TemporalConv3(block.scope('conv2'), width, width, 0.001),
      });
    }
  }

  static receptiveField(blocks: number): number {
    return blocks * 2 * (TemporalConv3.KERNEL - 1) + 1;
  }

  /** φ [B, T, width] → movie strip Φ [B, T, width]. */
  apply(phi: tf.Tensor3D): tf.Tensor3D {
    let x = phi;
    for (const { norm1, conv1, norm2, conv2 } of this.layers) {
      const h = conv1.apply(tf.relu(norm1.apply(x)));
      x = tf.add(x, conv2.apply(tf.relu(norm2.apply(h))));
    }
    return x;
  }
}
