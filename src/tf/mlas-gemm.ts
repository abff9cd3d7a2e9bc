/**
 * A synchronous single-precision GEMM on onnxruntime's MLAS (AVX2/AVX-512 SGEMM, bundled with
 * onnxruntime-node): Y = act(op(A)·op(B) [+ C]) on Float32Array views that may live anywhere,
 * including the tfjs wasm heap. This is the one place besides src/pose2d/session.ts that loads
 * onnxruntime-node.
 *
 * Why the native binding and not `InferenceSession.run`: the public API is a promise around a
 * synchronous native `run` (one setImmediate per call), and a tfjs kernel must return its output
 * synchronously. The binding's own `run(feeds, fetches, options)` takes input tensors that are
 * views (onnxruntime wraps, does not copy, CPU buffers) and a preallocated output it writes into.
 * The binding is not a public API, so the onnxruntime-node version is pinned in package.json and
 * every start runs a self-test (mlas-kernels.ts) before the fast path is used.
 */
import { createRequire } from 'node:module';
import { buildGemmModel, type GemmVariant } from './onnx-gemm-model.js';

export interface GemmCall extends GemmVariant {
  /** [M, K], or [K, M] when transposeA. */
  a: Float32Array;
  /** [K, N], or [N, K] when transposeB. */
  b: Float32Array;
  /** [N] when `bias`. */
  c?: Float32Array;
  /** [M, N], written in place. */
  y: Float32Array;
  m: number;
  k: number;
  n: number;
}

interface NativeTensor {
  readonly dims: readonly number[];
}
type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => NativeTensor;

interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  run(feeds: Record<string, NativeTensor>, fetches: Record<string, NativeTensor>, options: Record<string, unknown>): unknown;
  dispose(): void;
}

interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

export class MlasGemm {
  private readonly sessions = new Map<string, NativeSession>();

  private constructor(
    private readonly binding: NativeBinding,
    private readonly Tensor: TensorConstructor,
    /** onnxruntime intra-op threads per GEMM. */
    readonly threads: number,
  ) {}

  /** Loads onnxruntime-node's native binding; a string is the reason it cannot. */
  static open(threads: number): MlasGemm | string {
    try {
      const require = createRequire(import.meta.url);
      const ort = require('onnxruntime-node') as { Tensor: TensorConstructor };
      const binding = require('onnxruntime-node/dist/binding.js') as NativeBinding;
      if (typeof binding.binding?.InferenceSession !== 'function' || typeof binding.initOrt !== 'function') {
        return 'onnxruntime-node has no native InferenceSession binding (version changed?)';
      }
      binding.initOrt();
      return new MlasGemm(binding, ort.Tensor, Math.max(1, Math.floor(threads)));
    } catch (error) {
      return `onnxruntime-node failed to load: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    }
  }

  run(call: GemmCall): void {
    const { m, k, n, transposeA, transposeB } = call;
    const Tensor = this.Tensor;
    const feeds: Record<string, NativeTensor> = {
      A: new Tensor('float32', call.a, transposeA ? [k, m] : [m, k]),
      B: new Tensor('float32', call.b, transposeB ? [n, k] : [k, n]),
    };
    if (call.bias) feeds.C = new Tensor('float32', call.c!, [n]);
    this.session(call).run(feeds, { Y: new Tensor('float32', call.y, [m, n]) }, {});
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  /** One session per graph variant, built on first use (a few ms each, at most 16). */
  private session(variant: GemmVariant): NativeSession {
    const key = `${+variant.transposeA}${+variant.transposeB}${+variant.bias}${+variant.relu}`;
    let session = this.sessions.get(key);
    if (!session) {
      const model = buildGemmModel(variant);
      session = new this.binding.binding.InferenceSession();
      session.loadModel(model.buffer, model.byteOffset, model.byteLength, {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Small per-call allocations only; the arena would hold memory the wasm heap wants.
        enableCpuMemArena: false,
        // Between two products tfjs runs its own (single-threaded) kernels; pool threads spinning
        // meanwhile would only take the core from the other worker or process.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      this.sessions.set(key, session);
    }
    return session;
  }
}
