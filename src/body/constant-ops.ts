/**
 * Products with constant matrices whose gradients run fast on every backend.
 *
 * Why this exists (measured on tfjs 4.22): tfjs differentiates matMul(x, W) into
 * matMul(dy, W, false, true), and the wasm backend's transposed matMul is about 10x slower than the
 * plain one; tf.gather's gradient needs UnsortedSegmentSum, which wasm lacks (and its forward pass is
 * slow there too); concat, split and strided slices of narrow tensors cost milliseconds on wasm where
 * a small matMul costs tenths. So src/body moves, selects and places values with constant matrices,
 * whose transposes are computed once here and used by a plain-matMul gradient.
 */
import * as tf from '../tf/tf.js';

export class ConstantMatrix {
  readonly rows: number;
  readonly columns: number;
  private readonly matrix: tf.Tensor2D;
  private readonly transposed: tf.Tensor2D;
  private readonly right: (x: tf.Tensor2D) => tf.Tensor2D;
  private readonly left: (x: tf.Tensor) => tf.Tensor;

  /** values: row-major [rows, columns]. */
  constructor(values: Float32Array | readonly number[], rows: number, columns: number) {
    if (values.length !== rows * columns) throw new RangeError(`matrix needs ${rows * columns} values, got ${values.length}`);
    this.rows = rows;
    this.columns = columns;
    // Kept: a model may be built inside someone's tf.tidy, and these outlive it.
    const matrix = tf.keep(tf.tensor2d(values as Float32Array, [rows, columns]));
    const transposed = tf.keep(tf.tidy(() => tf.transpose(matrix)));
    this.matrix = matrix;
    this.transposed = transposed;
    this.right = withGradient(
      (x: tf.Tensor2D) => tf.matMul(x, matrix),
      (dy) => tf.matMul(dy, transposed),
    );
    this.left = withGradient(
      (x: tf.Tensor) => tf.matMul(matrix, x as tf.Tensor2D),
      (dy) => tf.matMul(transposed, dy as tf.Tensor2D),
    );
  }

  /** x [M, rows] → x · W [M, columns]. */
  rightMultiply(x: tf.Tensor2D): tf.Tensor2D {
    return this.right(x);
  }

  /** x [columns, C] → W · x [rows, C]; x [N, columns, C] → W · x_n for every n [N, rows, C]. */
  leftMultiply<T extends tf.Tensor2D | tf.Tensor3D>(x: T): T {
    return this.left(x) as T;
  }

  dispose(): void {
    this.matrix.dispose();
    this.transposed.dispose();
  }
}

/** A one-input op with its own gradient (dy has the output's shape, the result the input's). */
function withGradient<In extends tf.Tensor, Out extends tf.Tensor>(forward: (x: In) => Out, backward: (dy: Out) => tf.Tensor): (x: In) => Out {
  const op = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: forward(inputs[0] as In),
    gradFunc: (dy: tf.Tensor) => backward(dy as Out),
  }));
  return (x: In) => op(x) as Out;
}

/** Row-major [rows, columns] matrix with ones at the given (row, column) pairs. */
export function placementMatrix(rows: number, columns: number, ones: Iterable<readonly [number, number]>): Float32Array {
  const out = new Float32Array(rows * columns);
  for (const [row, column] of ones) out[row * columns + column] = 1;
  return out;
}
