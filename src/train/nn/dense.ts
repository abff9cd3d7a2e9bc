import { activeGemmEngine } from '../../tf/mlas-kernels.js';
import * as tf from '../../tf/tf.js';
import type { ParameterScope } from './parameters.js';
import { varianceScaling, zeros, type Initializer } from './parameters.js';

/*
 * Fully connected layers as one registered kernel with a hand-written gradient.
 * - tfjs's own MatMul gradient asks the kernel for transposed operands, and the wasm backend's
 *   transposed matMul runs at 1–3.5 GFLOP/s against ~30 untransposed (measured on the training
 *   machine), which made a training step 10× slower. Here every backward matMul is untransposed
 *   and the only explicit transposes are of batch-sized tensors, never of a weight matrix (at
 *   width 2048 a weight transpose alone costs ~120 ms):  dX = (W·dYᵀ)ᵀ,  dW = Xᵀ·dY,  db = Σ dY.
 * - A registered gradient (unlike tf.customGrad) hands tfjs one closure per input, and tfjs only
 *   calls the closures of inputs that lead to what is being differentiated: the encoder's step
 *   never computes the discriminator's weight gradients, the discriminator's step never computes
 *   gradients with respect to its input poses, and the first layer never computes dX.
 * - With the native GEMM (wasm-mlas, src/tf) transposed operands cost nothing, and the plain
 *   transposed products dX = dY·Wᵀ and dW = Xᵀ·dY skip the two batch-sized transposes.
 * The kernel itself forwards to the backend's own (fused) matMul kernel, so it runs on every backend.
 */
const DENSE_KERNEL = 'HmmrDense';

tf.registerGradient({
  kernelName: DENSE_KERNEL,
  inputsToSave: ['x', 'w'],
  gradFunc: (dy, saved) => {
    const [x, w] = saved as [tf.Tensor3D, tf.Tensor3D];
    const dy2d = tf.squeeze(dy as tf.Tensor, [0]) as tf.Tensor2D;
    const x2d = tf.squeeze(x, [0]) as tf.Tensor2D;
    const w2d = tf.squeeze(w, [0]) as tf.Tensor2D;
    if (activeGemmEngine()) {
      return {
        x: () => tf.expandDims(tf.matMul(dy2d, w2d, false, true), 0),
        w: () => tf.expandDims(tf.matMul(x2d, dy2d, true, false), 0),
        b: () => tf.sum(dy2d, 0),
      };
    }
    return {
      x: () => tf.expandDims(tf.transpose(tf.matMul(w2d, tf.transpose(dy2d))), 0),
      w: () => tf.expandDims(tf.matMul(tf.transpose(x2d), dy2d), 0),
      b: () => tf.sum(dy2d, 0),
    };
  },
});

const registeredBackends = new Set<string>();

/** Registers the kernel for the active backend on first use (backends register their kernels late). */
function ensureKernel(): void {
  const backendName = tf.getBackend();
  if (registeredBackends.has(backendName)) return;
  registeredBackends.add(backendName);
  if (tf.getKernel(DENSE_KERNEL, backendName)) return;
  if (!tf.getKernel('_FusedMatMul', backendName) || !tf.getKernel('BatchMatMul', backendName)) throw new Error(`backend '${backendName}' lacks matMul kernels`);
  tf.registerKernel({
    kernelName: DENSE_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const { x, w, b } = inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b?: tf.TensorInfo };
      const attrs = { transposeA: false, transposeB: false };
      // Looked up per call: the native GEMM (src/tf) may replace the backend's matMul kernels later.
      return b
        ? tf.getKernel('_FusedMatMul', backendName)!.kernelFunc({ inputs: { a: x, b: w, bias: b }, backend, attrs: { ...attrs, activation: 'linear' } })
        : tf.getKernel('BatchMatMul', backendName)!.kernelFunc({ inputs: { a: x, b: w }, backend, attrs });
    },
  });
}

/** x [N, in] · w [in, out] (+ b [out]), differentiable in all three. */
export function matMulFast(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  ensureKernel();
  const inputs: tf.NamedTensorMap = { x: tf.expandDims(x, 0), w: tf.expandDims(w, 0) };
  if (b) inputs.b = b;
  const y = tf.engine().runKernel(DENSE_KERNEL, inputs, {}) as tf.Tensor3D;
  return tf.squeeze(y, [0]) as tf.Tensor2D;
}

export type Activation = 'linear' | 'relu';

/** A fully connected layer: weights [in, out] (Xavier unless told otherwise) and a zero bias. */
export class Dense {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    params: ParameterScope,
    readonly inputs: number,
    readonly outputs: number,
    readonly activation: Activation,
    weightInit: Initializer = varianceScaling(1),
  ) {
    this.weight = params.create('w', [inputs, outputs], weightInit);
    this.bias = params.create('b', [outputs], zeros);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    const y = matMulFast(x, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D);
    return this.activation === 'relu' ? tf.relu(y) : y;
  }
}
