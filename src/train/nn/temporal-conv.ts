import * as tf from '../../tf/tf.js';
import { matMulFast } from './dense.js';
import { varianceScaling, zeros, type ParameterScope } from './parameters.js';

/**
 * A full 1D convolution over time, kernel 3, stride 1, 'same' zero padding at the sequence ends,
 * with bias. It is written as padding + three time-shifted slices concatenated on channels + ONE
 * matMul, because tfjs's conv1d cannot be trained on the wasm backend (no Conv2DBackpropFilter
 * kernel) and one large matMul is the fastest thing that backend does.
 * Weight layout: [3 · cin, cout], tap-major (rows 0..cin−1 see frame t−1, then t, then t+1).
 */
export class TemporalConv3 {
  static readonly KERNEL = 3;
  private readonly weight: tf.Variable;
  private readonly bias: tf.Variable;

  constructor(params: ParameterScope, readonly inputs: number, readonly outputs: number, initScale = 1) {
    const k = TemporalConv3.KERNEL;
    this.weight = params.create('w', [k * inputs, outputs], varianceScaling(initScale, { fanIn: k * inputs, fanOut: k * outputs }));
    this.bias = params.create('b', [outputs], zeros);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    const [batch, time] = x.shape;
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    const taps = [0, 1, 2].map((shift) => tf.slice(padded, [0, shift, 0], [batch, time, this.inputs]));
    const stacked = tf.reshape(tf.concat(taps, 2), [batch * time, TemporalConv3.KERNEL * this.inputs]);
    const y = matMulFast(stacked as tf.Tensor2D, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D);
    return tf.reshape(y, [batch, time, this.outputs]);
  }
}
