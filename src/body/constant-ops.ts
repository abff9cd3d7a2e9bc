/**
 * Products with constant matrices whose gradients run fast on every backend. tfjs differentiates
 * matMul(x, W) into matMul(dy, W, false, true); the wasm backend's transposed matMul is about 10x
 * slower than the plain one, and tf.gather's gradient needs UnsortedSegmentSum, which wasm lacks.
 * Since these operands never train, their transposes are computed once here and the gradient uses
 * a plain matMul.
 */
import * as tf from '../train/tf.js';

export class ConstantMatrix {
  readonly rows: number;
  readonly columns: number;
  private readonly matrix: tf.Tensor2D;
  private readonly transposed: tf.Tensor2D;
  private readonly right: (x: tf.Tensor2D) => tf.Tensor2D;
  private readonly left: (x: tf.Tensor3D) => tf.Tensor3D;

  /** values: row-major [rows, columns]. */
  constructor(values: Float32Array, rows: number, columns: number) {
    if (values.length !== rows * columns) throw new RangeError(`matrix needs ${rows * columns} values, got ${values.length}`);
    this.rows = rows;
    this.columns = columns;
    // Kept: a model may be built inside someone's tf.tidy, and these outlive it.
    this.matrix = tf.keep(tf.tensor2d(values, [rows, columns]));
    this.transposed = tf.keep(tf.tidy(() => tf.transpose(this.matrix)));
    const { matrix, transposed } = this;
    this.right = withGradient(
      (x: tf.Tensor2D) => tf.matMul(x, matrix),
      (dy) => tf.matMul(dy, transposed),
    );
    this.left = withGradient(
      (x: tf.Tensor3D) => tf.matMul(matrix, x),
      (dy) => tf.matMul(transposed, dy),
    );
  }

  /** x [N, rows] → x · M [N, columns]. */
  rightMultiply(x: tf.Tensor2D): tf.Tensor2D {
    return this.right(x);
  }

  /** x [N, columns, C] → M · x_n for every n: [N, rows, C]. */
  leftMultiply(x: tf.Tensor3D): tf.Tensor3D {
    return this.left(x);
  }

  dispose(): void {
    this.matrix.dispose();
    this.transposed.dispose();
  }
}

/**
 * tf.gather(x, indices, 1) for x [N, J, C] with a gradient that runs on wasm: the scatter-add back
 * onto J is a product with the constant one-hot matrix [J, P].
 */
export class ConstantGather {
  private readonly indices: tf.Tensor1D;
  private readonly scatter: tf.Tensor2D;
  private readonly gather: (x: tf.Tensor3D) => tf.Tensor3D;

  constructor(indices: Int32Array, sourceCount: number) {
    this.indices = tf.keep(tf.tensor1d(indices, 'int32'));
    const oneHot = new Float32Array(sourceCount * indices.length);
    indices.forEach((source, p) => (oneHot[source * indices.length + p] = 1));
    this.scatter = tf.keep(tf.tensor2d(oneHot, [sourceCount, indices.length]));
    const { scatter } = this;
    const gatherIndices = this.indices;
    this.gather = withGradient(
      (x: tf.Tensor3D) => tf.gather(x, gatherIndices, 1),
      (dy) => tf.matMul(scatter, dy),
    );
  }

  /** x [N, J, C] → [N, P, C]. */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return this.gather(x);
  }

  dispose(): void {
    this.indices.dispose();
    this.scatter.dispose();
  }
}

/** A one-input op with its own gradient (dy has the output's rank, the result the input's). */
function withGradient<In extends tf.Tensor, Out extends tf.Tensor>(forward: (x: In) => Out, backward: (dy: Out) => tf.Tensor): (x: In) => Out {
  const op = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: forward(inputs[0] as In),
    gradFunc: (dy: tf.Tensor) => backward(dy as Out),
  }));
  return (x: In) => op(x) as Out;
}
