import * as tf from '../../tf/tf.js';
import { Dense, matMulFast } from '../nn/dense.js';
import type { Dropout } from '../nn/dropout.js';
import { varianceScaling, type ParameterScope } from '../nn/parameters.js';
import { BatchNorm, type BatchStatistics } from './batch-norm.js';
import { receptiveField, type Vp3dConfig } from './config.js';

/** What a training pass adds to inference: batch statistics to record and dropout. */
export interface TrainingPass {
  statistics: BatchStatistics;
  dropout: Dropout;
}

/** A conv over time without bias (batch norm follows): weight [width · cin, cout], tap-major. */
interface TemporalConv {
  width: number;
  dilation: number;
  weight: tf.Variable;
  norm: BatchNorm;
}

interface ResidualBlock {
  conv: TemporalConv;
  /** The 1×1 conv after it. */
  pointwise: tf.Variable;
  pointwiseNorm: BatchNorm;
}

/**
 * VideoPose3D's temporal model (reference common/model.py): an expand conv of width w₀ on the
 * per-frame input, residual blocks of [conv of width wᵢ, dilation w₀·…·wᵢ₋₁ → BN → ReLU → dropout →
 * 1×1 conv → BN → ReLU → dropout] + skip, and a 1×1 shrink conv to the outputs. Widths of 3 give
 * dilations 1, 3, 9, 27, 81 and receptive fields 27, 81, 243.
 *
 * Two ways to run the same weights, as the reference's TemporalModel and TemporalModelOptimized1f:
 * - forwardDilated: 'valid' dilated convs over a whole chunk, one output per frame past the first
 *   RF − 1 (training on sequence chunks and prediction: neighbouring outputs share their work);
 * - forwardStrided: a window of exactly RF frames, each conv with stride = its width and no
 *   dilation, giving the one output of that window at a fraction of the cost of the dilated pass.
 * Convs are slices concatenated on channels + one matMul (tfjs's conv1d has no gradient kernel on
 * the wasm backend; see nn/temporal-conv.ts). The skip of each block is the input frame the output
 * is aligned with: the window's centre, or with `causal` its last frame (the reference's
 * causal_shift), so a causal model's output for frame t never depends on frames after t.
 */
export class Vp3dTemporalModel {
  readonly receptiveField: number;
  private readonly expand: TemporalConv;
  private readonly blocks: ResidualBlock[];
  private readonly shrink: Dense;

  constructor(
    params: ParameterScope,
    statistics: ParameterScope,
    readonly inputs: number,
    readonly outputs: number,
    private readonly config: Pick<Vp3dConfig, 'filterWidths' | 'channels' | 'causal'>,
  ) {
    const { filterWidths, channels } = config;
    this.receptiveField = receptiveField(filterWidths);
    this.expand = this.conv(params.scope('expand'), statistics.scope('expand'), inputs, filterWidths[0]!, 1);
    this.blocks = [];
    let dilation = filterWidths[0]!;
    for (let i = 1; i < filterWidths.length; i++) {
      const blockParams = params.scope(`block${i}`);
      const blockStatistics = statistics.scope(`block${i}`);
      const conv = this.conv(blockParams.scope('conv'), blockStatistics.scope('conv'), channels, filterWidths[i]!, dilation);
      const pointwise = blockParams.create('pointwise/w', [channels, channels], varianceScaling(1));
      const pointwiseNorm = new BatchNorm(blockParams.scope('pointwise'), blockStatistics.scope('pointwise'), channels);
      this.blocks.push({ conv, pointwise, pointwiseNorm });
      dilation *= filterWidths[i]!;
    }
    // Small output weights: the first predictions sit near zero (the pelvis) instead of metres away.
    this.shrink = new Dense(params.scope('shrink'), channels, outputs, 'linear', varianceScaling(0.01));
  }

  /** Input frames before and after an output frame: (RF − 1)/2 each, or all RF − 1 before it when causal. */
  get context(): { before: number; after: number } {
    const span = this.receptiveField - 1;
    return this.config.causal ? { before: span, after: 0 } : { before: span / 2, after: span / 2 };
  }

  /** x [B, L, inputs] with L ≥ RF → [B, L − RF + 1, outputs]. */
  forwardDilated(x: tf.Tensor3D, pass?: TrainingPass): tf.Tensor3D {
    let h = this.activate(this.dilatedConv(x, this.expand), this.expand.norm, pass);
    for (const block of this.blocks) {
      const { width, dilation } = block.conv;
      const [batch, length] = h.shape;
      const outLength = length - (width - 1) * dilation;
      const skip = tf.slice(h, [0, this.skipTap(width) * dilation, 0], [batch, outLength, this.config.channels]);
      h = tf.add(skip, this.blockBody(this.dilatedConv(h, block.conv), block, pass));
    }
    return this.project(h);
  }

  /** x [B, RF, inputs] → [B, 1, outputs], the same function as forwardDilated on one window. */
  forwardStrided(x: tf.Tensor3D, pass?: TrainingPass): tf.Tensor3D {
    if (x.shape[1] !== this.receptiveField) throw new Error(`strided pass needs windows of ${this.receptiveField} frames, got ${x.shape[1]}`);
    let h = this.activate(this.stridedConv(x, this.expand), this.expand.norm, pass);
    for (const block of this.blocks) {
      const { width } = block.conv;
      const [batch, length, channels] = h.shape;
      const groups = tf.reshape(h, [batch, length / width, width, channels]);
      const skip = tf.reshape(tf.slice(groups, [0, 0, this.skipTap(width), 0], [batch, length / width, 1, channels]), [batch, length / width, channels]) as tf.Tensor3D;
      h = tf.add(skip, this.blockBody(this.stridedConv(h, block.conv), block, pass));
    }
    return this.project(h);
  }

  /** The tap (0 … width − 1) an output is aligned with. */
  private skipTap(width: number): number {
    return this.config.causal ? width - 1 : (width - 1) / 2;
  }

  private blockBody(convolved: tf.Tensor3D, block: ResidualBlock, pass: TrainingPass | undefined): tf.Tensor3D {
    const h = this.activate(convolved, block.conv.norm, pass);
    const [batch, length, channels] = h.shape;
    const pointwise = tf.reshape(matMulFast(tf.reshape(h, [batch * length, channels]) as tf.Tensor2D, block.pointwise as tf.Tensor2D), [batch, length, channels]) as tf.Tensor3D;
    return this.activate(pointwise, block.pointwiseNorm, pass);
  }

  private activate(x: tf.Tensor3D, norm: BatchNorm, pass: TrainingPass | undefined): tf.Tensor3D {
    const h = tf.relu(norm.apply(x, pass?.statistics));
    return pass ? pass.dropout.apply(h) : h;
  }

  private project(h: tf.Tensor3D): tf.Tensor3D {
    const [batch, length, channels] = h.shape;
    return tf.reshape(this.shrink.apply(tf.reshape(h, [batch * length, channels]) as tf.Tensor2D), [batch, length, this.outputs]);
  }

  private dilatedConv(x: tf.Tensor3D, conv: TemporalConv): tf.Tensor3D {
    const [batch, length, channels] = x.shape;
    const outLength = length - (conv.width - 1) * conv.dilation;
    if (outLength <= 0) throw new Error(`${length} frames are fewer than the receptive field needs`);
    const taps = Array.from({ length: conv.width }, (_, k) => tf.slice(x, [0, k * conv.dilation, 0], [batch, outLength, channels]));
    const stacked = tf.reshape(taps.length === 1 ? taps[0]! : tf.concat(taps, 2), [batch * outLength, conv.width * channels]);
    return tf.reshape(matMulFast(stacked as tf.Tensor2D, conv.weight as tf.Tensor2D), [batch, outLength, -1]) as tf.Tensor3D;
  }

  /** Stride = width, no dilation: consecutive groups of `width` frames, which is a reshape. */
  private stridedConv(x: tf.Tensor3D, conv: TemporalConv): tf.Tensor3D {
    const [batch, length, channels] = x.shape;
    const outLength = length / conv.width;
    const stacked = tf.reshape(x, [batch * outLength, conv.width * channels]);
    return tf.reshape(matMulFast(stacked as tf.Tensor2D, conv.weight as tf.Tensor2D), [batch, outLength, -1]) as tf.Tensor3D;
  }

  private conv(params: ParameterScope, statistics: ParameterScope, inputs: number, width: number, dilation: number): TemporalConv {
    const weight = params.create('w', [width * inputs, this.config.channels], varianceScaling(1, { fanIn: width * inputs, fanOut: width * this.config.channels }));
    return { width, dilation, weight, norm: new BatchNorm(params.scope('bn'), statistics.scope('bn'), this.config.channels) };
  }
}
