/**
 * tfjs-wasm's matrix-multiply kernels (`BatchMatMul`, `_FusedMatMul`) re-registered to run on
 * MLAS (mlas-gemm.ts) when the product is large enough to gain, with the backend's own kernels
 * kept for the rest: tiny products, activations other than linear/ReLU, PReLU weights, biases that
 * are not one row. Operands are read straight from the wasm heap and the result is written into
 * the tensor tfjs allocated for it, so nothing is copied.
 *
 * Why: tfjs-wasm runs one thread in Node and its XNNPACK GEMM reaches ~30 GFLOP/s untransposed and
 * 1–3.5 transposed here; MLAS does ~100 per thread on AVX-512, transposes for free, and can use
 * more than one thread. Every matMul of hmmr's networks (dense layers, temporal convolutions as
 * one matMul, IEF, the discriminator) and every gradient matMul goes through these two kernels.
 */
import * as tf from './tf.js';
import type { GemmCall } from './mlas-gemm.js';

/** What runs a GEMM; MlasGemm, or a test's stand-in. */
export interface GemmEngine {
  readonly threads: number;
  run(call: GemmCall): void;
}

/** Multiply-adds below which XNNPACK is as fast as MLAS or faster (a native call costs ~10–20 µs). */
export const MIN_MLAS_MULTIPLY_ADDS = 1 << 16;

/**
 * Inner dimension below which XNNPACK wins. onnxruntime-node's binding returns every output as a
 * fresh copy (a new ArrayBuffer, even for a preallocated output), so a product costs MLAS's
 * arithmetic plus an allocation and copy of its whole output: for a short inner dimension (a
 * weight gradient Xᵀ·dY over a micro-batch of 80 frames, 6144 × 2048 outputs at the paper width)
 * the copy dominates and MLAS fell to ~7 GFLOP/s against XNNPACK's ~28 (measured).
 */
export const MIN_MLAS_INNER = 128;

/** The slice of tfjs-wasm's backend object these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  incRef(dataId: tf.DataId): void;
  disposeData(dataId: tf.DataId): boolean;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

let engine: GemmEngine | undefined;
const wasmKernels = new Map<string, tf.KernelFunc>();
const REPLACED_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Identity'] as const;

/** Which engine wasm matMuls run on now (undefined: the backend's own XNNPACK kernels). */
export function activeGemmEngine(): GemmEngine | undefined {
  return engine;
}

/**
 * Routes the wasm backend's matMuls to `gemm`, or back to its own kernels with undefined. Call after
 * the wasm backend is registered; the first call replaces the two kernels once, later calls only
 * switch engines.
 */
export function useGemmEngine(gemm: GemmEngine | undefined): void {
  if (gemm && wasmKernels.size === 0) {
    for (const kernelName of REPLACED_KERNELS) {
      const original = tf.getKernel(kernelName, 'wasm');
      if (!original) throw new Error(`the wasm backend has no ${kernelName} kernel`);
      wasmKernels.set(kernelName, original.kernelFunc);
      tf.unregisterKernel(kernelName, 'wasm');
      const kernelFunc: tf.KernelFunc = kernelName === 'Identity' ? identityKernel : (args) => matMulKernel(kernelName, args);
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    }
  }
  engine = gemm;
}

/**
 * tfjs saves every tensor a gradient needs through an Identity kernel (Engine.clone), and
 * tfjs-wasm's Identity copies the data: measured at 15 % of a cpu-preset training step. Tensors
 * are immutable (hmmr's variables get a new buffer per update, see src/train/nn/write-variable.ts),
 * so sharing the buffer under a reference count, as tfjs-wasm's Reshape already does, is the same
 * result without the copy.
 */
function identityKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  if (!engine || x.dtype === 'string') return wasmKernels.get('Identity')!(args) as tf.TensorInfo;
  (args.backend as unknown as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

function matMulKernel(kernelName: string, args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  if (!engine) return wasmKernels.get(kernelName)!(args);
  const plan = planGemm(args);
  if (plan) return runPlanned(engine, plan, args.backend as unknown as WasmBackend);
  return runUntransposed(kernelName, args);
}

/**
 * The backend's own kernel, with transposed operands transposed first: XNNPACK's transposed GEMM
 * runs at 1–3.5 GFLOP/s against ~30 untransposed, and callers that know MLAS is active (dense
 * layers' gradients) ask for transposed products freely.
 */
function runUntransposed(kernelName: string, args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo | tf.TensorInfo[] {
  const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
  const inputs = args.inputs as Record<string, tf.TensorInfo>;
  if ((!transposeA && !transposeB) || inputs.a!.dtype !== 'float32' || inputs.b!.dtype !== 'float32') return wasmKernels.get(kernelName)!(args);
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
  const swapLastTwo = (x: tf.TensorInfo) => {
    const perm = x.shape.map((_, i) => i);
    [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1]!, perm[perm.length - 2]!];
    return transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
  };
  const a = transposeA ? swapLastTwo(inputs.a!) : inputs.a!;
  const b = transposeB ? swapLastTwo(inputs.b!) : inputs.b!;
  const backend = args.backend as unknown as WasmBackend;
  try {
    return wasmKernels.get(kernelName)!({ ...args, inputs: { ...inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
  } finally {
    if (a !== inputs.a) backend.disposeData(a.dataId);
    if (b !== inputs.b) backend.disposeData(b.dataId);
  }
}

interface GemmPlan {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  bias?: tf.TensorInfo;
  relu: boolean;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  k: number;
  n: number;
  batchA: number;
  batchB: number;
  outShape: number[];
}

/** The product's geometry, or undefined when the backend's own kernel should run it. */
function planGemm({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): GemmPlan | undefined {
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation = 'linear' } = attrs as unknown as MatMulAttrs;
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || preluActivationWeights) return undefined;
  if (activation !== 'linear' && activation !== 'relu') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const m = a.shape.at(transposeA ? -1 : -2)!;
  const k = a.shape.at(transposeA ? -2 : -1)!;
  const n = b.shape.at(transposeB ? -2 : -1)!;
  if (b.shape.at(transposeB ? -1 : -2) !== k || k < MIN_MLAS_INNER) return undefined; // the backend reports mismatches
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return undefined;
  const batchDimsA = a.shape.slice(0, -2);
  const batchDimsB = b.shape.slice(0, -2);
  const batchA = batchDimsA.reduce((x, y) => x * y, 1);
  const batchB = batchDimsB.reduce((x, y) => x * y, 1);
  // Broadcasting only of a whole single matrix against a batch; anything subtler stays with tfjs.
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const batchDims = batchA >= batchB ? batchDimsA : batchDimsB;
  if (batchA !== batchB && batchDimsA.length > 0 && batchDimsB.length > 0 && batchDimsA.length !== batchDimsB.length) return undefined;
  // Per product: a batch of small products (the body model's 4×4 transforms) is one native call each.
  if (m * k * n < MIN_MLAS_MULTIPLY_ADDS) return undefined;
  return { a, b, bias, relu: activation === 'relu', transposeA, transposeB, m, k, n, batchA, batchB, outShape: [...batchDims, m, n] };
}

function runPlanned(gemm: GemmEngine, plan: GemmPlan, backend: WasmBackend): tf.TensorInfo {
  const { m, k, n, batchA, batchB } = plan;
  // Allocate first: allocation may grow wasm memory and detach views made before it.
  const out = backend.makeOutput(plan.outShape, 'float32');
  const a = backend.typedArrayFromHeap(plan.a);
  const b = backend.typedArrayFromHeap(plan.b);
  const c = plan.bias ? backend.typedArrayFromHeap(plan.bias) : undefined;
  const y = backend.typedArrayFromHeap(out);
  const variant = { transposeA: plan.transposeA, transposeB: plan.transposeB, bias: c !== undefined, relu: plan.relu };
  for (let i = 0, batch = Math.max(batchA, batchB); i < batch; i++) {
    const ai = batchA === 1 ? 0 : i;
    const bi = batchB === 1 ? 0 : i;
    gemm.run({
      ...variant,
      a: a.subarray(ai * m * k, (ai + 1) * m * k),
      b: b.subarray(bi * k * n, (bi + 1) * k * n),
      c,
      y: y.subarray(i * m * n, (i + 1) * m * n),
      m,
      k,
      n,
    });
  }
  return out;
}
