/**
 * Before the native GEMM replaces tfjs-wasm's matMuls, it must agree with them: random operands in
 * every case the kernels route to it (the four transpose combinations, bias + ReLU, a batch of
 * products with one side broadcast, the shapes a dense layer's backward pass makes). Any
 * disagreement beyond float32 rounding disables it for the process. It costs a few milliseconds.
 */
import * as tf from './tf.js';
import { useGemmEngine, type GemmEngine } from './mlas-kernels.js';

/** Largest allowed |native − wasm| / (|wasm|max + 1e-6) over each product. */
const TOLERANCE = 1e-4;

interface Case {
  name: string;
  run(): tf.Tensor;
}

/** Fixed pseudo-random operands in [-1, 1] (a sine of the index: no RNG state to share). */
function cases(): Case[] {
  let seed = 1;
  const random = (shape: number[]) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(seed++ * 12.9898) % 1;
    return tf.tensor(values, shape, 'float32');
  };
  const [m, k, n] = [67, 129, 65];
  const list: Case[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const a = random(transposeA ? [k, m] : [m, k]);
      const b = random(transposeB ? [n, k] : [k, n]);
      list.push({ name: `matMul ${transposeA ? 'Aᵀ' : 'A'}·${transposeB ? 'Bᵀ' : 'B'}`, run: () => tf.matMul(a, b, transposeA, transposeB) });
    }
  }
  const a = random([m, k]);
  const b = random([k, n]);
  const bias = random([n]);
  list.push({ name: 'fused matMul + bias + relu', run: () => tf.fused.matMul({ a, b, bias, activation: 'relu' }) });
  list.push({ name: 'fused matMul + bias', run: () => tf.fused.matMul({ a, b, bias }) });
  const batched = random([3, m, k]);
  list.push({ name: 'batched matMul, B broadcast', run: () => tf.matMul(batched, tf.expandDims(b, 0)) });
  return list;
}

/** Compares `gemm` with the wasm kernels; returns undefined when they agree, else what disagreed. */
export function selfTestGemm(gemm: GemmEngine): string | undefined {
  return tf.tidy(() => {
    const checks = cases();
    useGemmEngine(undefined);
    const expected = checks.map((check) => check.run().dataSync());
    useGemmEngine(gemm);
    try {
      for (const [i, check] of checks.entries()) {
        const actual = check.run().dataSync();
        const wanted = expected[i]!;
        let scale = 1e-6;
        let worst = 0;
        for (let j = 0; j < wanted.length; j++) {
          scale = Math.max(scale, Math.abs(wanted[j]!));
          const error = Math.abs(actual[j]! - wanted[j]!);
          worst = Number.isNaN(error) ? Infinity : Math.max(worst, error);
        }
        if (worst / scale > TOLERANCE) return `${check.name} differs from the wasm kernel by ${(worst / scale).toExponential(2)} (relative)`;
      }
      return undefined;
    } catch (error) {
      return `${(error as Error).message.split('\n')[0]}`;
    } finally {
      useGemmEngine(undefined);
    }
  });
}
